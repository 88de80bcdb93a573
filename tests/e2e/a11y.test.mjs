// Accessibility: axe-core finds no WCAG 2.x A/AA violation on any page, in
// light and dark; plus what axe cannot see: one h1, landmarks, a working skip
// link, a visible focus indicator, headings that link to themselves, dark mode
// and reduced motion honoured, and the timeline and quotes marked up as what
// they are.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { axeViolations, formatViolations, openPage } from './lib/browser.mjs';
import { openSuite } from './lib/suite.mjs';

const { site, browser, pageUrl } = await openSuite();

for (const url of site.pages) {
  const name = site.name(url);
  describe(`page ${name}`, () => {
    for (const colorScheme of ['light', 'dark']) {
      for (const width of [375, 1280]) {
        test(`axe: no WCAG 2.x A/AA violations (${colorScheme}, ${width} px)`, async () => {
          const visit = await openPage(browser, url, { width, colorScheme });
          try {
            const violations = await axeViolations(visit.page);
            assert.equal(violations.length, 0, `axe violations on ${name}:\n  ${formatViolations(violations)}`);
          } finally {
            await visit.close();
          }
        });
      }
    }

    test('one h1, landmarks, language, headings in order', async () => {
      const visit = await openPage(browser, url, { javaScriptEnabled: false });
      try {
        const { page } = visit;
        assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
        assert.ok((await page.getAttribute('html', 'lang'))?.trim(), 'html has a lang');
        assert.equal(await page.getByRole('main').count(), 1, 'one main landmark');
        assert.equal(await page.getByRole('banner').count(), 1, 'one banner landmark (site header)');
        assert.equal(await page.getByRole('contentinfo').count(), 1, 'one contentinfo landmark (site footer)');
        const navs = await page.getByRole('navigation').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')));
        assert.ok(navs.length >= 1, 'a navigation landmark');
        assert.ok(navs.every(Boolean), `every navigation is labelled: ${JSON.stringify(navs)}`);
        assert.equal(new Set(navs).size, navs.length, `navigation labels are distinct: ${JSON.stringify(navs)}`);
        const outside = await page.$$eval('body > *:not(header, main, footer, script, .skip-link)', (els) =>
          els.filter((e) => e.checkVisibility() && e.textContent.trim()).map((e) => e.outerHTML.slice(0, 80)),
        );
        assert.deepEqual(outside, [], 'all visible content sits in a landmark');
        const levels = await page.$$eval('h1, h2, h3, h4, h5, h6', (els) => els.map((h) => ({ level: +h.tagName[1], text: h.textContent.trim().slice(0, 40) })));
        assert.equal(levels[0].level, 1, 'the first heading is the h1');
        for (let i = 1; i < levels.length; i += 1) {
          assert.ok(
            levels[i].level <= levels[i - 1].level + 1,
            `heading level jumps from h${levels[i - 1].level} to h${levels[i].level} at “${levels[i].text}”`,
          );
        }
      } finally {
        await visit.close();
      }
    });

    test('skip link is the first stop, visible when focused, and moves focus to main', async () => {
      const visit = await openPage(browser, url, { width: 375 });
      try {
        const { page } = visit;
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const a = document.activeElement;
          const r = a.getBoundingClientRect();
          return { tag: a.tagName, href: a.getAttribute('href'), text: a.textContent.trim(), top: r.top, left: r.left, bottom: r.bottom, right: r.right, w: r.width, h: r.height };
        });
        assert.equal(focused.tag, 'A', 'the first Tab stop is a link');
        assert.equal(focused.href, '#main', 'the first Tab stop skips to #main');
        assert.match(focused.text, /skip/i);
        assert.ok(focused.top >= 0 && focused.left >= 0 && focused.right <= 375 && focused.h >= 24 && focused.w >= 24, `the focused skip link is on screen and at least 24 px: ${JSON.stringify(focused)}`);
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => document.activeElement?.id === 'main', null, { timeout: 2000 }).catch(() => {});
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'Enter on the skip link moves focus to main');
      } finally {
        await visit.close();
      }
    });

    test('keyboard focus is always visible', async () => {
      // Reduced motion, so focusing scrolls at once and the check sees where focus landed.
      const visit = await openPage(browser, url, { width: 1280, reducedMotion: 'reduce' });
      try {
        const { page } = visit;
        const seen = [];
        for (let i = 0; i < 30; i += 1) {
          await page.keyboard.press('Tab');
          const f = await page.evaluate(() => {
            const a = document.activeElement;
            if (!a || a === document.body) return null;
            const s = getComputedStyle(a);
            const r = a.getBoundingClientRect();
            return {
              what: `${a.tagName.toLowerCase()} “${(a.textContent || a.getAttribute('aria-label') || '').trim().slice(0, 30)}”`,
              outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
              shadow: s.boxShadow !== 'none',
              inView: r.bottom > 0 && r.top < innerHeight && r.width > 0,
            };
          });
          if (!f) break;
          seen.push(f);
          assert.ok(f.outline || f.shadow, `no visible focus indicator on ${f.what}`);
          assert.ok(f.inView, `focused ${f.what} is off screen`);
        }
        assert.ok(seen.length >= 3, `only ${seen.length} focusable elements reached by Tab`);
      } finally {
        await visit.close();
      }
    });

    test('targets are at least 24 by 24 px, links inside sentences excepted (WCAG 2.5.8)', async () => {
      for (const width of [375, 1280]) {
        const visit = await openPage(browser, url, { width });
        try {
          const small = await visit.page.$$eval('a[href], button, select, input, textarea, summary, [tabindex]:not([tabindex="-1"])', (els) =>
            els
              .filter((e) => e.checkVisibility() && !e.closest('.visually-hidden'))
              .filter((e) => {
                // WCAG's inline exception: a link in a run of text is only as tall as the line.
                if (getComputedStyle(e).display !== 'inline') return true;
                let block = e.parentElement;
                while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
                const own = e.textContent.trim().length;
                return (block?.textContent.trim().length ?? 0) < own + 12;
              })
              .map((e) => {
                const r = e.getBoundingClientRect();
                return { what: `${e.tagName.toLowerCase()} “${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30)}”`, w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10 };
              })
              .filter((t) => t.w < 24 || t.h < 24),
          );
          assert.deepEqual(small, [], `${width} px: targets smaller than 24 by 24 px`);
        } finally {
          await visit.close();
        }
      }
    });

    test('dark colour scheme is honoured', async () => {
      const colours = {};
      for (const colorScheme of ['light', 'dark']) {
        const visit = await openPage(browser, url, { colorScheme });
        try {
          colours[colorScheme] = await visit.page.evaluate(() => {
            const lum = (c) => {
              const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
                const s = v / 255;
                return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
              });
              return 0.2126 * r + 0.7152 * g + 0.0722 * b;
            };
            const body = getComputedStyle(document.body);
            return { bg: lum(body.backgroundColor), fg: lum(body.color) };
          });
        } finally {
          await visit.close();
        }
      }
      assert.ok(colours.light.bg > 0.8 && colours.light.fg < 0.1, `light: dark text on a light page ${JSON.stringify(colours.light)}`);
      assert.ok(colours.dark.bg < 0.05 && colours.dark.fg > 0.6, `dark: light text on a dark page ${JSON.stringify(colours.dark)}`);
    });
  });
}

test('a Markdown heading links to itself by its own words; its "#" shows on focus and is not read out', async () => {
  const visit = await openPage(browser, pageUrl('explainer'), { width: 375 });
  try {
    const { page } = visit;
    // The headings written in the page's Markdown, not those of the template.
    const markdown = readFileSync(new URL('../../content/explainer.md', import.meta.url), 'utf8');
    const written = [...markdown.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1].trim());
    assert.ok(written.length >= 3, `headings in explainer.md: ${JSON.stringify(written)}`);
    const headings = await page.$$eval('main :is(h2, h3)', (els) =>
      els.map((h) => ({ id: h.id, text: h.textContent.trim(), href: h.querySelector('a')?.getAttribute('href') })),
    );
    for (const text of written) {
      const h = headings.find((x) => x.text === text);
      assert.ok(h?.id && h.href === `#${h.id}`, `“${text}” links to itself: ${JSON.stringify(h)}`);
    }
    const first = headings[0];
    const link = page.getByRole('heading', { name: first.text }).getByRole('link', { name: first.text, exact: true });
    assert.equal(await link.count(), 1, `a link named “${first.text}” inside its heading`);
    const look = () => link.evaluate((a) => ({
      after: getComputedStyle(a, '::after').content,
      color: getComputedStyle(a).color,
      headingColor: getComputedStyle(a.parentElement).color,
      underline: getComputedStyle(a).textDecorationLine,
    }));
    const idle = await look();
    assert.equal(idle.after, 'none', 'no "#" until hover or focus');
    assert.equal(idle.color, idle.headingColor, 'the heading keeps its colour');
    assert.equal(idle.underline, 'none', 'the heading is not underlined');
    const focused = () => link.evaluate((a) => a === document.activeElement);
    for (let i = 0; i < 100 && !(await focused()); i += 1) await page.keyboard.press('Tab');
    assert.ok(await focused(), 'the heading link is reached with Tab');
    assert.equal((await look()).after, '" #" / ""', 'a "#" with empty alternative text shows on focus');
    await link.press('Enter');
    assert.equal(new URL(page.url()).hash, `#${first.id}`, 'following it puts the heading in the address');
  } finally {
    await visit.close();
  }
});

test('the timeline is an ordered list of events with headings, dates and sources', async () => {
  const visit = await openPage(browser, pageUrl('timeline'), { javaScriptEnabled: false });
  try {
    const events = await visit.page.$$eval('article[id^="event-"]', (els) =>
      els.map((e) => ({
        id: e.id,
        inOl: e.parentElement?.tagName === 'LI' && e.parentElement.parentElement?.tagName === 'OL',
        heading: e.querySelector('h2, h3, h4')?.textContent.trim() ?? '',
        dateInHeading: !!e.querySelector('h2 time, h3 time, h4 time'),
        labelled: !!e.getAttribute('aria-labelledby') && !!document.getElementById(e.getAttribute('aria-labelledby')),
        datetime: e.querySelector('time')?.getAttribute('datetime') ?? null,
        timeText: e.querySelector('time')?.textContent.trim() ?? '',
        sources: e.querySelectorAll('.item-sources a[href]').length,
      })),
    );
    assert.ok(events.length >= 5, `only ${events.length} events`);
    for (const e of events) {
      assert.ok(e.inOl, `${e.id} is not an item of an ordered list`);
      assert.ok(e.heading, `${e.id} has no heading`);
      assert.ok(e.dateInHeading, `${e.id}: moving by heading, a reader would miss its date`);
      assert.ok(e.labelled, `${e.id} is not labelled by its heading`);
      assert.match(e.datetime ?? '', /^\d{4}(-\d{2}(-\d{2})?)?$/, `${e.id} has no valid <time datetime>`);
      assert.ok(e.timeText, `${e.id}: the date has no words`);
      assert.ok(e.sources >= 1, `${e.id} links to no source`);
    }
    const phases = await visit.page.$$eval('section[id^="phase-"]', (els) => els.map((s) => ({ id: s.id, h2: s.querySelector('h2')?.textContent.trim() })));
    assert.ok(phases.length >= 2 && phases.every((p) => p.h2), `phases with headings: ${JSON.stringify(phases)}`);
  } finally {
    await visit.close();
  }
});

test('each quote is a figure with a blockquote and a figcaption naming the speaker, and its sources', async () => {
  for (const name of ['quotes', 'explainer']) {
    const visit = await openPage(browser, pageUrl(name), { javaScriptEnabled: false });
    try {
      const quotes = await visit.page.$$eval('article[id^="quote-"]', (els) =>
        els.map((q) => {
          const fig = q.querySelector('figure');
          return {
            id: q.id,
            blockquote: fig?.querySelector(':scope > blockquote')?.textContent.trim() ?? '',
            caption: fig?.querySelector(':scope > figcaption')?.textContent.trim() ?? '',
            speaker: q.dataset.speaker ?? '',
            time: q.querySelector('time[datetime]')?.getAttribute('datetime') ?? '',
            sources: q.querySelectorAll('.item-sources a[href]').length,
          };
        }),
      );
      assert.ok(quotes.length >= 1, `no quotes on ${name}`);
      for (const q of quotes) {
        assert.ok(q.blockquote, `${name}: ${q.id} has no <figure><blockquote>`);
        assert.ok(q.caption, `${name}: ${q.id} has no <figcaption>`);
        assert.ok(q.speaker && q.caption.includes(q.speaker), `${name}: ${q.id}: the caption does not name the speaker`);
        assert.match(q.time, /^\d{4}/, `${name}: ${q.id} has no <time datetime>`);
        assert.ok(q.sources >= 1, `${name}: ${q.id} links to no source`);
      }
    } finally {
      await visit.close();
    }
  }
});

test('every permalink has a name of its own', async () => {
  for (const name of ['quotes', 'timeline']) {
    const visit = await openPage(browser, pageUrl(name), { javaScriptEnabled: false });
    try {
      const links = await visit.page.$$eval('.permalink a', (as) => as.map((a) => ({ name: a.textContent.replace(/\s+/g, ' ').trim(), href: a.getAttribute('href') })));
      assert.ok(links.length >= 5, `${name}: permalinks to check`);
      const hrefsByName = {};
      for (const l of links) (hrefsByName[l.name] ??= new Set()).add(l.href);
      const shared = Object.entries(hrefsByName).filter(([, hrefs]) => hrefs.size > 1).map(([n]) => n);
      assert.deepEqual(shared, [], `${name}: link names that lead to different places`);
    } finally {
      await visit.close();
    }
  }
});

test('prefers-reduced-motion stops the highlight animation and smooth scrolling', async () => {
  const url = `${pageUrl('timeline')}#${await firstId('timeline', 'article[id^="event-"]')}`;
  const read = async (reducedMotion) => {
    const visit = await openPage(browser, url, { reducedMotion });
    try {
      return await visit.page.evaluate(() => {
        const t = document.querySelector(':target');
        const s = getComputedStyle(t);
        return {
          animation: s.animationName,
          transition: s.transitionDuration,
          scroll: getComputedStyle(document.documentElement).scrollBehavior,
        };
      });
    } finally {
      await visit.close();
    }
  };
  const moving = await read('no-preference');
  const still = await read('reduce');
  assert.notEqual(moving.animation, 'none', 'a permalinked item is highlighted with an animation normally');
  assert.equal(still.animation, 'none', 'no animation with reduced motion');
  assert.ok(still.transition.split(',').every((d) => parseFloat(d) === 0), 'no transition with reduced motion');
  assert.equal(still.scroll, 'auto', 'no smooth scrolling with reduced motion');
});

async function firstId(name, selector) {
  const visit = await openPage(browser, pageUrl(name), { javaScriptEnabled: false });
  try {
    return await visit.page.$eval(selector, (e) => e.id);
  } finally {
    await visit.close();
  }
}
