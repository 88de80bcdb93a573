// Every page at phone to desktop widths: no horizontal scrolling, no console
// error, no failed or third-party request, no layout shift, a readable line
// length; screenshots of each page at 375 px and 1280 px, light and dark.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  artifactsDir,
  horizontalOverflow,
  openPage,
  problemLines,
} from './lib/browser.mjs';
import { openSuite } from './lib/suite.mjs';

const { site, browser } = await openSuite();

const WIDTHS = [320, 375, 1280, 1920];
const SCREENSHOT_WIDTHS = [375, 1280];

test('the sitemap lists the story pages', () => {
  const names = site.pages.map(site.name);
  for (const expected of ['home', 'timeline', 'explainer', 'quotes', 'sources', 'about', '404']) {
    assert.ok(names.includes(expected), `no ${expected} page in sitemap.xml: ${names.join(', ')}`);
  }
  for (const url of site.pages) {
    assert.ok(url.startsWith(site.base), `${url} is not under the base URL ${site.base}`);
  }
});

for (const url of site.pages) {
  const name = site.name(url);
  describe(`page ${name}`, () => {
    for (const width of WIDTHS) {
      test(`${width} px: no horizontal overflow, console error or failed request`, async () => {
        const visit = await openPage(browser, url, { width, height: 800, settle: true });
        try {
          assert.equal(visit.response.status(), 200, `status of ${url}`);
          const overflow = await horizontalOverflow(visit.page);
          assert.deepEqual(overflow.masked, [], 'html/body hide horizontal overflow instead of avoiding it');
          assert.ok(
            overflow.scrollWidth <= overflow.clientWidth,
            `page is ${overflow.scrollWidth} px wide in a ${overflow.clientWidth} px viewport; widest elements:\n  ${overflow.offenders.join('\n  ')}`,
          );
          assert.deepEqual(overflow.offenders, [], 'elements stick out of the viewport');
          assert.deepEqual(problemLines(visit.problems), [], 'the page loaded with problems');
          if (SCREENSHOT_WIDTHS.includes(width)) {
            await visit.page.screenshot({
              path: join(artifactsDir('screenshots'), `${name}-${width}-light.png`),
              fullPage: true,
            });
          }
        } finally {
          await visit.close();
        }
      });
    }

    test('375 px with text at 200% (a phone set to large text): no horizontal overflow', async () => {
      const visit = await openPage(browser, url, { width: 375, height: 800 });
      try {
        await visit.page.addStyleTag({ content: 'html { font-size: 200% !important; }' });
        const overflow = await horizontalOverflow(visit.page);
        assert.ok(
          overflow.scrollWidth <= overflow.clientWidth,
          `page is ${overflow.scrollWidth} px wide in a ${overflow.clientWidth} px viewport; widest elements:\n  ${overflow.offenders.join('\n  ')}`,
        );
      } finally {
        await visit.close();
      }
    });

    test('dark colour scheme: no overflow or console error; screenshots', async () => {
      for (const width of SCREENSHOT_WIDTHS) {
        const visit = await openPage(browser, url, { width, height: 800, colorScheme: 'dark', settle: true });
        try {
          const overflow = await horizontalOverflow(visit.page);
          assert.ok(overflow.scrollWidth <= overflow.clientWidth, `dark, ${width} px: page is ${overflow.scrollWidth} px wide`);
          assert.deepEqual(problemLines(visit.problems), []);
          await visit.page.screenshot({
            path: join(artifactsDir('screenshots'), `${name}-${width}-dark.png`),
            fullPage: true,
          });
        } finally {
          await visit.close();
        }
      }
    });

    test('no layout shift while loading: fast, on a slow phone, and arriving a block at a time', async () => {
      const ways = [
        { width: 1280, how: 'fast' },
        { width: 375, how: 'fast' },
        { width: 375, how: 'slow phone', slowPhone: true },
        // The page is painted after each block arrives, as on a stalling connection: nothing
        // drawn may move when the rest comes in (a nav that wraps once its last link arrives does).
        { width: 375, how: 'a block at a time', trickle: true },
        { width: 1280, how: 'a block at a time', trickle: true },
      ];
      for (const { width, how, slowPhone = false, trickle = false } of ways) {
        const visit = await openPage(browser, trickle ? `${url}?trickle=20` : url, { width, height: 800, slowPhone, settle: true });
        try {
          // Let late work (deferred script, fonts) settle, then read the score.
          await visit.page.waitForTimeout(300);
          const { cls, shifts } = await visit.page.evaluate(() => ({ cls: window.__cls, shifts: window.__shifts }));
          assert.ok(cls < 0.001, `${width} px, ${how}: cumulative layout shift ${cls.toFixed(4)}: ${JSON.stringify(shifts)}`);
          const unsized = await visit.page.$$eval('img, video, iframe', (els) =>
            els.filter((e) => !(e.getAttribute('width') && e.getAttribute('height'))).map((e) => e.outerHTML.slice(0, 120)),
          );
          assert.deepEqual(unsized, [], 'images without width and height reserve no space');
        } finally {
          await visit.close();
        }
      }
    });

    test('readable line length at 1920 px', async () => {
      const visit = await openPage(browser, url, { width: 1920, height: 1000 });
      try {
        // Characters per line of reading text (16 px and up): the box's width over the average width of a character of its text.
        const widest = await visit.page.$$eval('main p, main li, main dd, main blockquote', (els) => {
          const ctx = document.createElement('canvas').getContext('2d');
          return els
            .filter((e) => e.checkVisibility() && !e.querySelector('p, li, ul, ol'))
            .map((e) => {
              const s = getComputedStyle(e);
              const text = e.textContent.replace(/\s+/g, ' ').trim();
              ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
              const perChar = ctx.measureText(text).width / text.length;
              const width = e.getBoundingClientRect().width - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
              return { long: text.length > 160 && parseFloat(s.fontSize) >= 16, chars: Math.round(width / perChar), text: text.slice(0, 50) };
            })
            .filter((e) => e.long)
            .sort((a, b) => b.chars - a.chars);
        });
        if (widest.length === 0) return; // no paragraph long enough to measure (the 404 page)
        // Typographers' comfortable measure is 45 to 75 characters; WCAG 1.4.8 asks for at most 80.
        assert.ok(widest[0].chars <= 85, `lines of about ${widest[0].chars} characters: “${widest[0].text}…”`);
        assert.ok(widest[0].chars >= 30, `lines of only ${widest[0].chars} characters at 1920 px: “${widest[0].text}…”`);
      } finally {
        await visit.close();
      }
    });
  });
}

test('a missing page gets the 404 page, styled, with working links under the sub-path', async () => {
  const url = `${site.base}no/such/page/`;
  const visit = await openPage(browser, url, { width: 375, expectStatus: 404 });
  try {
    assert.equal(visit.response.status(), 404);
    assert.match(await visit.page.title(), /not found/i);
    assert.deepEqual(problemLines(visit.problems), [], 'the 404 page loaded with problems');
    const css = visit.requests.filter((r) => r.resourceType() === 'stylesheet');
    assert.ok(css.length > 0, 'the 404 page loads no stylesheet');
    const home = await visit.page.getAttribute('main a[href]', 'href');
    assert.equal(new URL(home, url).href, site.base, 'the 404 page links home under the sub-path');
  } finally {
    await visit.close();
  }
});
