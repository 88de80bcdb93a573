// What readers do: filter the quote wall (with JavaScript), follow the plain
// groupings and the timeline's phase links (with and without JavaScript), and
// open permalinks to a quote or an event.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inViewport, openPage, problemLines, waitInViewport } from './lib/browser.mjs';
import { openSuite } from './lib/suite.mjs';

const { site, browser, pageUrl } = await openSuite();

/** What the quote wall holds, read from the markup (never from the script's work). */
async function wall(page) {
  return page.$$eval('.quote-wall [id^="quote-"]', (els) =>
    els.map((q) => ({
      id: q.id,
      stance: [...q.classList].find((c) => c.startsWith('quote-'))?.slice('quote-'.length),
      speaker: q.dataset.speaker,
      organisation: q.dataset.organisation,
      shown: q.checkVisibility(),
    })),
  );
}

function groupBy(list, key) {
  const out = {};
  for (const item of list) (out[key(item)] ??= []).push(item);
  return out;
}

async function statusText(page) {
  return (await page.textContent('#quote-filters [role="status"]'))?.trim() ?? '';
}

describe('quote wall filters (JavaScript on)', () => {
  for (const width of [375, 1280]) {
    test(`${width} px: filtering by stance, speaker and organisation shows exactly the matching quotes`, async () => {
      const visit = await openPage(browser, pageUrl('quotes'), { width });
      const { page } = visit;
      try {
        assert.ok(await page.isVisible('#quote-filters'), 'the filter form is shown when scripts run');
        const all = await wall(page);
        assert.ok(all.length >= 4, `only ${all.length} quotes on the wall`);
        assert.ok(all.every((q) => q.shown), 'every quote shows before filtering');
        assert.equal(await statusText(page), '', 'nothing is announced as the page loads');

        const check = async (label, field, value, want) => {
          await page.selectOption(`#quote-filters select[name="${field}"]`, value);
          const now = await wall(page);
          const expected = all.filter(want).map((q) => q.id);
          const shown = now.filter((q) => q.shown).map((q) => q.id);
          assert.deepEqual(shown, expected, `${label}: the quotes shown`);
          const status = await statusText(page);
          assert.match(status, new RegExp(`\\b${expected.length}\\b`), `${label}: the status “${status}” gives the count ${expected.length}`);
          // A stance group with nothing left to show is hidden, heading and all.
          const groups = await page.$$eval('.quote-wall section[id^="stance-"]', (els) =>
            els.map((s) => ({ id: s.id, shown: s.checkVisibility(), quotes: [...s.querySelectorAll('[id^="quote-"]')].filter((q) => q.checkVisibility()).length })),
          );
          for (const g of groups) assert.equal(g.shown, g.quotes > 0, `${label}: group ${g.id} shown iff it has quotes`);
          return expected.length;
        };

        const stances = [...new Set(all.map((q) => q.stance))];
        assert.ok(stances.length >= 2, 'quotes of at least two stances');
        for (const stance of stances) {
          await check(`stance ${stance}`, 'stance', stance, (q) => q.stance === stance);
        }
        await page.selectOption('#quote-filters select[name="stance"]', '');

        const speakers = Object.entries(groupBy(all, (q) => q.speaker)).sort((a, b) => b[1].length - a[1].length);
        const [speaker] = speakers[0];
        assert.ok((await check(`speaker ${speaker}`, 'speaker', speaker, (q) => q.speaker === speaker)) >= 1);
        await page.selectOption('#quote-filters select[name="speaker"]', '');

        const orgs = Object.entries(groupBy(all, (q) => q.organisation)).sort((a, b) => b[1].length - a[1].length);
        const [org] = orgs[0];
        assert.ok((await check(`organisation ${org}`, 'organisation', org, (q) => q.organisation === org)) >= 1);

        // Combined filters: an organisation's quotes of a stance it has none of.
        const missing = stances.find((s) => !all.some((q) => q.organisation === org && q.stance === s));
        if (missing) {
          const n = await check(`organisation ${org} and stance ${missing}`, 'stance', missing, (q) => q.organisation === org && q.stance === missing);
          assert.equal(n, 0);
        }

        // Back to all.
        await page.selectOption('#quote-filters select[name="stance"]', '');
        await page.selectOption('#quote-filters select[name="organisation"]', '');
        assert.ok((await wall(page)).every((q) => q.shown), 'clearing the filters shows every quote again');
        assert.deepEqual(problemLines(visit.problems), []);
      } finally {
        await visit.close();
      }
    });
  }

  test('a permalink to a quote hidden by a filter clears the filter and scrolls to it', async () => {
    const visit = await openPage(browser, pageUrl('quotes'), { width: 375 });
    const { page } = visit;
    try {
      const all = await wall(page);
      const target = all.at(-1);
      const other = all.find((q) => q.stance !== target.stance);
      await page.selectOption('#quote-filters select[name="stance"]', other.stance);
      assert.equal(await page.isVisible(`#${target.id}`), false, 'the target is filtered out first');
      await page.evaluate((id) => {
        location.hash = id;
      }, target.id);
      const pos = await waitInViewport(page, `#${target.id}`);
      assert.ok(pos.visible && pos.inView, `the quote is shown and in view: ${JSON.stringify(pos)}`);
    } finally {
      await visit.close();
    }
  });
});

test('following the same link to a quote again, after filtering it out, shows it again', async () => {
  const visit = await openPage(browser, pageUrl('quotes'), { width: 375 });
  const { page } = visit;
  try {
    const all = await wall(page);
    const target = all.at(-1);
    const link = `.org-index a[href="#${target.id}"]`;
    await page.click(link);
    await waitInViewport(page, `#${target.id}`);
    const other = all.find((q) => q.stance !== target.stance);
    await page.selectOption('#quote-filters select[name="stance"]', other.stance);
    assert.equal(await page.isVisible(`#${target.id}`), false, 'the target is filtered out first');
    await page.click(link);
    const pos = await waitInViewport(page, `#${target.id}`);
    assert.ok(pos.visible && pos.inView, `the quote is shown and in view: ${JSON.stringify(pos)}`);
  } finally {
    await visit.close();
  }
});

test('with scripts on but site.js not arriving, the filter form is not shown doing nothing', async () => {
  const visit = await openPage(browser, pageUrl('quotes'), { width: 375 });
  try {
    await visit.context.route(/\/site\.[0-9a-f]+\.js$/, (route) => route.abort());
    await visit.page.reload();
    assert.equal(await visit.page.evaluate(() => document.documentElement.classList.contains('js')), true);
    assert.equal(await visit.page.isVisible('#quote-filters'), false, 'a form that cannot filter stays out of sight');
  } finally {
    await visit.close();
  }
});

test('the timeline jump list keeps its height whichever part is current', async () => {
  const visit = await openPage(browser, pageUrl('timeline'), { width: 1280 });
  try {
    const heights = await visit.page.$$eval('.phase-nav a[href^="#phase-"]', (as) =>
      as.map((a) => {
        as.forEach((other) => other.removeAttribute('aria-current'));
        a.setAttribute('aria-current', 'location');
        return a.closest('nav').getBoundingClientRect().height;
      }),
    );
    assert.equal(new Set(heights).size, 1, `the sticky list does not jump as the reader scrolls: ${heights}`);
  } finally {
    await visit.close();
  }
});

describe('plain groupings (JavaScript off)', () => {
  test('the filter form stays hidden and the stance and organisation links land', async () => {
    const visit = await openPage(browser, pageUrl('quotes'), { width: 375, javaScriptEnabled: false });
    const { page } = visit;
    try {
      assert.equal(await page.isVisible('#quote-filters'), false, 'no dead filter form without scripts');
      const links = await page.$$eval('nav.quote-groups a[href^="#stance-"], nav.quote-groups a[href="#by-organisation"]', (as) => as.map((a) => a.getAttribute('href')));
      assert.ok(links.some((h) => h.startsWith('#stance-')), 'links to the #stance-… groups');
      assert.ok(links.includes('#by-organisation'), 'a link to the #by-organisation index');
      for (const href of links) {
        await page.click(`main a[href="${href}"]`);
        const pos = await waitInViewport(page, href);
        assert.ok(pos.found, `${href} exists`);
        assert.ok(pos.inView, `${href} is scrolled into view: ${JSON.stringify(pos)}`);
        assert.equal(new URL(page.url()).hash, href);
      }
      // The organisation index links to each quote on the page.
      const orgLinks = await page.$$eval('#by-organisation a[href*="#quote-"]', (as) => as.map((a) => a.getAttribute('href')));
      const quotes = await wall(page);
      assert.ok(orgLinks.length >= quotes.length, `the index links every quote (${orgLinks.length} links, ${quotes.length} quotes)`);
      for (const href of [orgLinks[0], orgLinks.at(-1)]) {
        await page.click(`#by-organisation a[href="${href}"]`);
        const id = href.slice(href.indexOf('#'));
        const pos = await waitInViewport(page, id);
        assert.ok(pos.inView, `${href} lands on the quote: ${JSON.stringify(pos)}`);
      }
      assert.ok((await wall(page)).every((q) => q.shown), 'all quotes show without scripts');
    } finally {
      await visit.close();
    }
  });

  for (const javaScriptEnabled of [false, true]) {
    test(`timeline phase links jump to each phase (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const visit = await openPage(browser, pageUrl('timeline'), { width: 375, javaScriptEnabled });
      const { page } = visit;
      try {
        const links = await page.$$eval('nav a[href^="#phase-"]', (as) => as.map((a) => a.getAttribute('href')));
        assert.ok(links.length >= 2, `phase links: ${links}`);
        for (const href of [...links].reverse()) {
          await page.click(`nav a[href="${href}"] >> nth=0`);
          const pos = await waitInViewport(page, href);
          assert.ok(pos.inView, `${href} is in view: ${JSON.stringify(pos)}`);
          if (javaScriptEnabled) {
            // The script marks the part being read in the jump list.
            const current = await page
              .waitForFunction((h) => document.querySelector(`nav a[href="${h}"][aria-current]`), href, { timeout: 2000 })
              .then(() => true, () => false);
            const marked = await page.$$eval('nav a[href^="#phase-"][aria-current]', (as) => as.map((a) => a.getAttribute('href')));
            assert.ok(current, `${href} is marked current in the jump list (marked: ${marked})`);
            assert.equal(marked.length, 1, `one part is current: ${marked}`);
          }
        }
        assert.deepEqual(problemLines(visit.problems), []);
      } finally {
        await visit.close();
      }
    });
  }
});

describe('permalinks land', () => {
  for (const javaScriptEnabled of [true, false]) {
    for (const [name, selector] of [
      ['quotes', '.quote-wall [id^="quote-"]'],
      ['timeline', 'article[id^="event-"]'],
    ]) {
      test(`${name}: opening …#id scrolls to the last item and highlights it (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
        const probe = await openPage(browser, pageUrl(name), { javaScriptEnabled: false });
        const ids = await probe.page.$$eval(selector, (els) => els.map((e) => e.id));
        await probe.close();
        assert.ok(ids.length >= 2);
        for (const id of [ids.at(-1), ids[Math.floor(ids.length / 2)]]) {
          const visit = await openPage(browser, `${pageUrl(name)}#${id}`, { width: 375, height: 700, javaScriptEnabled });
          try {
            const pos = await waitInViewport(visit.page, `#${id}`);
            assert.ok(pos.inView, `#${id} is scrolled into view: ${JSON.stringify(pos)}`);
            const look = await visit.page.$eval(`#${id}`, (e) => {
              const s = getComputedStyle(e);
              return { target: e.matches(':target'), outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2, shadow: s.boxShadow !== 'none' };
            });
            assert.ok(look.target, `#${id} is the :target`);
            assert.ok(look.outline || look.shadow, `#${id} is highlighted (outline or shadow): ${JSON.stringify(look)}`);
            assert.deepEqual(problemLines(visit.problems), []);
          } finally {
            await visit.close();
          }
        }
      });
    }
  }

  test('an item linked from another page (the quote shortcode in the explainer) lands on the quote wall', async () => {
    const visit = await openPage(browser, pageUrl('explainer'), { width: 1280 });
    try {
      const href = await visit.page.$eval('main [id^="quote-"] a[href*="#quote-"]', (a) => a.href);
      await visit.page.goto(href);
      const id = new URL(href).hash;
      const pos = await waitInViewport(visit.page, id);
      assert.ok(pos.inView, `${href} lands: ${JSON.stringify(pos)}`);
      assert.equal(await inViewport(visit.page, 'h1').then((p) => p.inView), false, 'the page scrolled past its title');
    } finally {
      await visit.close();
    }
  });
});
