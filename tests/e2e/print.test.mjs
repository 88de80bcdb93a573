// Print: the timeline and the quotes print in full with their sources, where
// links go is printed beside them, and the screen-only furniture is left out.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { artifactsDir, openPage } from './lib/browser.mjs';
import { openSuite } from './lib/suite.mjs';

const { site, browser, pageUrl } = await openSuite();

/** Opens a page with print media emulated (scripts on, as when a reader prints). */
async function printed(name) {
  const visit = await openPage(browser, pageUrl(name), { width: 800 });
  await visit.page.emulateMedia({ media: 'print' });
  return visit;
}

/** Items matched by `selector`, each with what of it is visible when printed. */
function itemsIn(page, selector) {
  return page.$$eval(selector, (els) =>
    els.map((e) => {
      const visible = (el) => !!el && el.checkVisibility() && el.getBoundingClientRect().height > 0;
      const sources = e.querySelector('.item-sources');
      const details = [...e.querySelectorAll('details')];
      return {
        id: e.id,
        visible: visible(e),
        heading: visible(e.querySelector('h2, h3, h4, blockquote')),
        time: visible(e.querySelector('time')),
        caption: visible(e.querySelector('figcaption')) || !e.querySelector('figure'),
        sources: visible(sources) && sources.querySelectorAll('a').length > 0,
        sourceText: sources?.innerText.trim() ?? '',
        detailsShown: details.every((d) => [...d.children].filter((c) => c.tagName !== 'SUMMARY').every(visible)),
      };
    }),
  );
}

async function hiddenInPrint(page, selectors) {
  return page.evaluate((sels) => sels.filter((s) => [...document.querySelectorAll(s)].some((e) => e.checkVisibility())), selectors);
}

test('the timeline prints every event with its date, heading and sources', async () => {
  const visit = await printed('timeline');
  try {
    const events = await itemsIn(visit.page, 'article[id^="event-"]');
    assert.ok(events.length >= 5);
    for (const e of events) {
      assert.ok(e.visible && e.heading && e.time, `${e.id} prints with its heading and date`);
      assert.ok(e.sources && /sources?:/i.test(e.sourceText), `${e.id} prints its sources: “${e.sourceText}”`);
    }
    const screenOnly = await hiddenInPrint(visit.page, ['.skip-link', 'header nav', 'main nav', '.permalink']);
    assert.deepEqual(screenOnly, [], 'navigation and permalinks are left out of print');
    await visit.page.screenshot({ path: join(artifactsDir('screenshots'), 'timeline-print.png'), fullPage: true });
    await visit.page.pdf({ path: join(artifactsDir(), 'timeline-print.pdf'), format: 'A4', printBackground: false });
  } finally {
    await visit.close();
  }
});

test('the quote wall prints every quote with its attribution, sources and other wordings', async () => {
  const visit = await printed('quotes');
  try {
    // Even after a reader filtered the wall on screen.
    await visit.page.emulateMedia({ media: 'screen' });
    const stance = await visit.page.$eval('.quote-wall [id^="quote-"]', (q) => [...q.classList].find((c) => c.startsWith('quote-')).slice('quote-'.length));
    const other = await visit.page.$$eval('#quote-filters select[name="stance"] option', (os, s) => os.map((o) => o.value).find((v) => v && v !== s), stance);
    await visit.page.selectOption('#quote-filters select[name="stance"]', other);
    await visit.page.emulateMedia({ media: 'print' });
    const quotes = await itemsIn(visit.page, '.quote-wall [id^="quote-"]');
    assert.ok(quotes.length >= 4);
    for (const q of quotes) {
      assert.ok(q.visible && q.heading && q.caption && q.time, `${q.id} prints with its words, speaker and date`);
      assert.ok(q.sources && /sources?:/i.test(q.sourceText), `${q.id} prints its sources: “${q.sourceText}”`);
      assert.ok(q.detailsShown, `${q.id}: other wordings print opened`);
    }
    const screenOnly = await hiddenInPrint(visit.page, ['#quote-filters', 'header nav', '.permalink']);
    assert.deepEqual(screenOnly, [], 'filters, navigation and permalinks are left out of print');
    await visit.page.screenshot({ path: join(artifactsDir('screenshots'), 'quotes-print.png'), fullPage: true });
    await visit.page.pdf({ path: join(artifactsDir(), 'quotes-print.pdf'), format: 'A4', printBackground: false });
  } finally {
    await visit.close();
  }
});

test('printed links show where they go', async () => {
  for (const name of ['sources', 'timeline', 'quotes']) {
    const visit = await printed(name);
    try {
      const links = await visit.page.$$eval('main a[href]', (as) =>
        as
          .filter((a) => a.checkVisibility() && !a.closest('.cite') && !a.getAttribute('href').startsWith('#'))
          .map((a) => ({ href: a.href, after: getComputedStyle(a, '::after').content, text: a.textContent.trim().slice(0, 40) })),
      );
      assert.ok(links.length > 0, `${name}: links to check`);
      const external = links.filter((l) => !l.href.startsWith(site.origin));
      for (const l of external) {
        assert.ok(l.after.includes(l.href.replace(/\/$/, '')), `${name}: “${l.text}” prints its address ${l.href} (::after is ${l.after})`);
      }
      // A link to a page of the site prints an address a reader can type (the
      // absolute URL); one to a place in a page (a source, an event) prints
      // nothing, or a page of backlinks prints as a page of addresses.
      const internal = links.filter((l) => l.href.startsWith(site.origin));
      for (const l of internal.filter((l) => !new URL(l.href).hash)) {
        assert.ok(l.after.includes(l.href), `${name}: “${l.text}” prints its address ${l.href} (::after is ${l.after})`);
      }
      const places = internal.filter((l) => new URL(l.href).hash);
      assert.ok(places.length > 0, `${name}: links to places in pages to check`);
      assert.deepEqual(places.filter((l) => l.after !== 'none').map((l) => l.href), [], `${name}: links to places in pages print no address`);
    } finally {
      await visit.close();
    }
  }
});

/** WCAG contrast of a CSS rgb() colour against white paper. */
function contrastOnWhite(rgb) {
  const [r, g, b] = rgb.match(/[\d.]+/g).slice(0, 3).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
}

test('printing from a dark screen prints dark text, stance tags included', async () => {
  const visit = await openPage(browser, pageUrl('quotes'), { width: 800, colorScheme: 'dark' });
  try {
    await visit.page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    const colours = await visit.page.$$eval('.stance, .quote blockquote, .speaker, main p, main a', (els) =>
      els.filter((e) => e.checkVisibility()).map((e) => ({ text: e.textContent.trim().slice(0, 30), color: getComputedStyle(e).color })),
    );
    assert.ok(colours.some((c) => /critical|supportive|official|neutral/i.test(c.text)), 'stance tags are among them');
    for (const { text, color } of colours) {
      const ratio = contrastOnWhite(color);
      assert.ok(ratio >= 4.5, `“${text}” prints ${color} on white: ${ratio.toFixed(2)}:1`);
    }
  } finally {
    await visit.close();
  }
});

test('printed without scripts, a link within the site prints no half address', async () => {
  const visit = await openPage(browser, pageUrl('sources'), { width: 800, javaScriptEnabled: false });
  try {
    await visit.page.emulateMedia({ media: 'print' });
    // The microsite links no other site; a source with a url would.
    await visit.page.$eval('main', (main) => main.insertAdjacentHTML('beforeend', '<p><a href="https://example.com/report">A report</a></p>'));
    const printed = await visit.page.$$eval('main a[href]', (as) =>
      as.filter((a) => a.checkVisibility()).map((a) => ({ href: a.getAttribute('href'), after: getComputedStyle(a, '::after').content })),
    );
    const internal = printed.filter((l) => !/^https?:/.test(l.href) && !l.href.startsWith('#'));
    assert.ok(internal.length > 0, 'links within the site to check');
    assert.deepEqual(internal.filter((l) => l.after !== 'none'), [], 'a path alone means nothing on paper');
    const external = printed.filter((l) => /^https?:/.test(l.href));
    assert.ok(external.length > 0 && external.every((l) => l.after.includes(l.href)), `links to other sites print their address: ${JSON.stringify(external)}`);
  } finally {
    await visit.close();
  }
});
