// Fast on a phone: what each page requests (HTML, CSS, JS, images, fonts),
// uncompressed, stays under 60 KB; all JavaScript together stays under 10 KB
// minified; nothing is fetched from another host.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { artifactsDir, openPage, problemLines } from './lib/browser.mjs';
import { buildSite } from './lib/site.mjs';
import { openSuite } from './lib/suite.mjs';

/** 60 KB per page, counted as bytes on the wire with no compression (the worst case). */
const PAGE_BUDGET = 60 * 1000;
const JS_BUDGET = 10 * 1000;

const { site, browser } = await openSuite();

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const weights = {};

for (const url of site.pages) {
  const name = site.name(url);
  test(`page ${name}: total transfer under ${PAGE_BUDGET / 1000} KB`, async (t) => {
    const visit = await openPage(browser, url, { width: 375, height: 800, settle: true });
    try {
      // Anything the page fetches late (lazy images, the favicon) is counted too.
      await visit.page.waitForTimeout(500);
      assert.deepEqual(problemLines(visit.problems), []);
      const rows = [];
      for (const r of visit.requests) {
        const sizes = await r.sizes();
        const res = await r.response();
        const body = (await res?.body().catch(() => null)) ?? Buffer.alloc(0);
        rows.push({
          url: r.url().replace(site.base, '/'),
          type: r.resourceType(),
          transfer: sizes.responseBodySize + sizes.responseHeadersSize,
          body: sizes.responseBodySize,
          gzip: gzipSync(body).length,
        });
      }
      const total = rows.reduce((n, r) => n + r.transfer, 0);
      const gzip = rows.reduce((n, r) => n + r.gzip, 0);
      weights[name] = { total, gzipBodies: gzip, requests: rows };
      t.diagnostic(`${name}: ${total} bytes in ${rows.length} requests (${rows.map((r) => `${r.type} ${r.transfer}`).join(', ')}); gzipped bodies ${gzip}`);
      assert.ok(rows.some((r) => r.type === 'document'), 'the document itself is counted');
      assert.ok(rows.some((r) => r.type === 'stylesheet'), 'the stylesheet is counted');
      assert.ok(total < PAGE_BUDGET, `${name} transfers ${total} bytes, over the ${PAGE_BUDGET} budget:\n  ${rows.map((r) => `${r.transfer}\t${r.url}`).join('\n  ')}`);
    } finally {
      await visit.close();
    }
  });
}

test(`as built for site.toml's own base URL, every page with what it loads is under ${PAGE_BUDGET / 1000} KB`, (t) => {
  // Longer base paths make every link longer: measure the output that ships, not only the test build.
  const output = buildSite();
  try {
    const sitemap = readFileSync(join(output, 'sitemap.xml'), 'utf8');
    const base = new URL(sitemap.match(/<loc>([^<]+)<\/loc>/)[1]);
    const pages = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname).concat(`${base.pathname}404.html`);
    const file = (path) => {
      const rel = decodeURIComponent(path.slice(base.pathname.length));
      return join(output, rel.endsWith('/') || rel === '' ? `${rel}index.html` : rel);
    };
    for (const path of pages) {
      const html = readFileSync(file(path), 'utf8');
      const refs = new Set();
      for (const tag of html.match(/<(link|script|img|source)\b[^>]*>/g) ?? []) {
        if (tag.startsWith('<link') && !/rel=["']?(stylesheet|icon|preload|modulepreload)\b/.test(tag)) continue;
        for (const m of tag.matchAll(/\s(?:src|href|srcset)=(?:"([^"]+)"|'([^']+)'|([^\s>]+))/g)) {
          for (const candidate of (m[1] ?? m[2] ?? m[3]).split(',')) {
            const url = new URL(candidate.trim().split(/\s+/)[0], base.origin + path);
            if (url.origin === base.origin) refs.add(url.pathname);
          }
        }
      }
      // About 200 bytes of response headers per request.
      const total = [path, ...refs].reduce((n, p) => n + statSync(file(p)).size + 200, 0);
      t.diagnostic(`${path}: ${total} bytes with ${refs.size} assets`);
      assert.ok(total < PAGE_BUDGET, `${path} weighs ${total} bytes as built for ${base.href}`);
    }
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
});

test(`all JavaScript together is under ${JS_BUDGET / 1000} KB minified, and uses no framework`, () => {
  const scripts = files(site.output).filter((f) => /\.m?js$/.test(f));
  assert.ok(scripts.length >= 1, 'the theme ships its enhancement script');
  const total = scripts.reduce((n, f) => n + statSync(f).size, 0);
  assert.ok(total < JS_BUDGET, `${total} bytes of JavaScript: ${scripts.map((f) => relative(site.output, f)).join(', ')}`);
  for (const f of scripts) {
    const text = readFileSync(f, 'utf8');
    assert.doesNotMatch(text, /\b(jQuery|React|Vue|Alpine|Svelte|htmx)\b/, `${f} looks like a framework`);
    assert.doesNotMatch(text, /\bimport\s*\(|\bfetch\s*\(|XMLHttpRequest/, `${f} loads code or data at run time`);
  }
});

test('no stylesheet, script or page points at another host for fonts, scripts or styles', () => {
  for (const f of files(site.output).filter((p) => /\.(css|js|html)$/.test(p))) {
    const text = readFileSync(f, 'utf8');
    assert.doesNotMatch(text, /@import|@font-face[^}]*url\(\s*['"]?(https?:)?\/\//, `${relative(site.output, f)} imports from elsewhere`);
    const foreign = [...text.matchAll(/<(?:script|link|img|iframe|source|video|audio)\b[^>]*?\s(?:src|href)=["']?((?:https?:)?\/\/[^"'\s>]+)/g)]
      .map((m) => m[0])
      .filter((tag) => !tag.includes(site.origin) && !/rel=["']?(canonical|alternate)/.test(tag));
    assert.deepEqual(foreign, [], `${relative(site.output, f)} loads from another host`);
  }
});

after(() => {
  writeFileSync(join(artifactsDir(), 'page-weights.json'), `${JSON.stringify(weights, null, 2)}\n`);
});
