// Sharing and search: a unique title and description per page, a canonical
// URL, Open Graph and Twitter card tags with a share image that exists,
// article dates, and JSON-LD that parses (NewsArticle; Quotation on the quote
// wall). And every internal link and anchor resolves under the sub-path.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { openPage } from './lib/browser.mjs';
import { openSuite } from './lib/suite.mjs';

const { site, browser } = await openSuite();
const heads = {};
before(async () => {
  for (const url of site.pages) {
    const visit = await openPage(browser, url, { javaScriptEnabled: false });
    try {
      heads[url] = await visit.page.evaluate(() => {
        const meta = (sel) => document.querySelector(sel)?.getAttribute('content') ?? null;
        const ld = [...document.querySelectorAll('script[type="application/ld+json"]')].map((s) => {
          try {
            return { ok: true, data: JSON.parse(s.textContent) };
          } catch (e) {
            return { ok: false, error: String(e), text: s.textContent.slice(0, 200) };
          }
        });
        return {
          title: document.title,
          description: meta('meta[name="description"]'),
          canonical: document.querySelector('link[rel="canonical"]')?.href ?? null,
          robots: meta('meta[name="robots"]'),
          og: Object.fromEntries([...document.querySelectorAll('meta[property^="og:"], meta[property^="article:"]')].map((m) => [m.getAttribute('property'), m.getAttribute('content')])),
          twitter: Object.fromEntries([...document.querySelectorAll('meta[name^="twitter:"]')].map((m) => [m.getAttribute('name'), m.getAttribute('content')])),
          ld,
          quotes: [...document.querySelectorAll('.quote-wall [id^="quote-"]')].map((q) => ({ id: q.id, speaker: q.dataset.speaker })),
          links: [...document.querySelectorAll('a[href], link[href], script[src], img[src], source[srcset]')].map((e) => e.href || e.src || e.getAttribute('href')),
        };
      });
    } finally {
      await visit.close();
    }
  }
});

const articlePages = () => site.pages.filter((u) => site.name(u) !== '404');
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;

test('titles and descriptions are unique per page and not empty', () => {
  const titles = site.pages.map((u) => heads[u].title);
  const descriptions = site.pages.map((u) => heads[u].description);
  for (const [i, url] of site.pages.entries()) {
    assert.ok(titles[i]?.trim().length >= 5, `${url}: title “${titles[i]}”`);
    assert.ok(descriptions[i]?.trim().length >= 30, `${url}: description “${descriptions[i]}”`);
    assert.ok(descriptions[i].length <= 300, `${url}: description is ${descriptions[i].length} characters`);
  }
  const dup = (list) => list.filter((x, i) => list.indexOf(x) !== i);
  assert.deepEqual(dup(titles), [], 'duplicate titles');
  assert.deepEqual(dup(descriptions), [], 'duplicate descriptions');
});

test('the 404 page is not indexed and claims no canonical URL', () => {
  const url = site.pages.find((u) => site.name(u) === '404');
  assert.ok(url);
  assert.equal(heads[url].canonical, null);
  assert.match(heads[url].robots ?? '', /noindex/);
});

for (const url of site.pages.filter((u) => site.name(u) !== '404')) {
  const name = site.name(url);
  describe(`page ${name}`, () => {
    test('canonical URL, Open Graph and Twitter card tags with a share image', async () => {
      const h = heads[url];
      assert.equal(h.canonical, url, 'canonical is the page’s own absolute URL');
      assert.equal(h.og['og:url'], url, 'og:url is the canonical URL');
      assert.equal(h.og['og:title']?.trim().length > 0, true, 'og:title');
      assert.equal(h.og['og:description'], h.description, 'og:description matches the description');
      assert.match(h.og['og:type'] ?? '', /^(article|website)$/, 'og:type');
      assert.ok(h.og['og:site_name'], 'og:site_name');
      assert.equal(h.twitter['twitter:card'], 'summary_large_image');
      assert.ok(h.twitter['twitter:title'], 'twitter:title');
      assert.equal(h.twitter['twitter:description'], h.description, 'twitter:description');
      const image = h.twitter['twitter:image'] ?? h.og['og:image'];
      assert.equal(h.og['og:image'], image, 'twitter:image (if any) is the og:image');
      assert.ok(h.og['og:image:alt'] && (h.twitter['twitter:image:alt'] ?? h.og['og:image:alt']), 'the share image has alt text');
      assert.ok(image?.startsWith(site.base), `og:image ${image} is an absolute URL under the site`);
      const res = await fetch(image);
      assert.equal(res.status, 200, `og:image ${image}`);
      assert.equal(res.headers.get('content-type'), 'image/png');
      const png = Buffer.from(await res.arrayBuffer());
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
      const [w, hgt] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      assert.deepEqual([w, hgt], [Number(h.og['og:image:width']), Number(h.og['og:image:height'])], 'og:image:width/height are the real size');
      assert.ok(w >= 1200 && hgt >= 600, `share image is ${w}x${hgt}, large cards want 1200x630`);
    });

    test('article:published_time and article:modified_time', () => {
      const h = heads[url];
      if (h.og['og:type'] !== 'article') return;
      assert.match(h.og['article:published_time'] ?? '', ISO_DATE);
      assert.match(h.og['article:modified_time'] ?? '', ISO_DATE);
      assert.ok(h.og['article:modified_time'] >= h.og['article:published_time'], 'modified is not before published');
    });

    test('JSON-LD parses and describes the page as a NewsArticle', () => {
      const h = heads[url];
      assert.ok(h.ld.length >= 1, 'a JSON-LD script');
      for (const block of h.ld) assert.ok(block.ok, `JSON-LD does not parse: ${block.error} in ${block.text}`);
      const nodes = h.ld.flatMap((b) => b.data['@graph'] ?? [b.data]);
      const article = nodes.find((n) => [n['@type']].flat().includes('NewsArticle'));
      assert.ok(article, `a NewsArticle among ${nodes.map((n) => n['@type'])}`);
      assert.equal(h.ld[0].data['@context'], 'https://schema.org');
      assert.equal(article.headline?.trim().length > 0, true, 'headline');
      assert.ok(article.headline.length <= 110, 'headline at most 110 characters');
      assert.equal(article.url ?? article.mainEntityOfPage?.['@id'] ?? article.mainEntityOfPage, url, 'url is canonical');
      assert.match(article.datePublished ?? '', ISO_DATE, 'datePublished');
      assert.match(article.dateModified ?? '', ISO_DATE, 'dateModified');
      assert.ok(article.publisher?.name, 'publisher name');
      assert.ok(article.image, 'an image, as Google requires for articles');
      assert.ok([article.image].flat().every((i) => (i.url ?? i).startsWith('http')), 'absolute image URL');
    });
  });
}

test('the quote wall’s JSON-LD lists every quote as a Quotation with speaker and source', () => {
  const url = site.pages.find((u) => site.name(u) === 'quotes');
  const h = heads[url];
  const walk = (node, out = []) => {
    if (Array.isArray(node)) node.forEach((n) => walk(n, out));
    else if (node && typeof node === 'object') {
      if ([node['@type']].flat().includes('Quotation')) out.push(node);
      Object.values(node).forEach((v) => walk(v, out));
    }
    return out;
  };
  const data = h.ld.map((b) => b.data);
  const quotations = walk(data);
  // Nodes may be given once and referred to by "@id" elsewhere.
  const byId = new Map();
  const index = (node) => {
    if (Array.isArray(node)) node.forEach(index);
    else if (node && typeof node === 'object') {
      if (node['@id'] && Object.keys(node).length > 1) byId.set(node['@id'], node);
      Object.values(node).forEach(index);
    }
  };
  index(data);
  const resolve = (node) => (node?.['@id'] && Object.keys(node).length === 1 ? byId.get(node['@id']) ?? node : node);
  assert.equal(quotations.length, h.quotes.length, 'one Quotation per quote on the wall');
  for (const quote of h.quotes) {
    const q = quotations.find((x) => x.url === `${url}#${quote.id}`);
    assert.ok(q, `no Quotation with the absolute permalink ${url}#${quote.id}`);
    const speaker = q.creator ?? q.author ?? q.spokenByCharacter;
    assert.ok(q.text?.trim(), `${quote.id}: the Quotation has text`);
    assert.equal(speaker?.name, quote.speaker, `${quote.id}: the Quotation names its speaker`);
    assert.ok(speaker['@type'], `${quote.id}: the speaker is typed`);
    const sources = [q.isBasedOn ?? q.citation].flat().filter(Boolean).map(resolve);
    assert.ok(sources.length >= 1 && sources.every((s) => s.name), `${quote.id}: the Quotation names its sources`);
  }
});

test('every internal link, asset and anchor resolves under the sub-path', async () => {
  const cache = new Map();
  const ids = async (pageUrl) => {
    if (!cache.has(pageUrl)) {
      const res = await fetch(pageUrl, { redirect: 'manual' });
      const text = res.status === 200 ? await res.text() : '';
      const found = new Set([...text.matchAll(/\sid=(?:"([^"]+)"|'([^']+)'|([^\s>"']+))/g)].map((m) => m[1] ?? m[2] ?? m[3]));
      cache.set(pageUrl, { status: res.status, ids: found, type: res.headers.get('content-type') });
    }
    return cache.get(pageUrl);
  };
  const broken = [];
  for (const url of site.pages) {
    for (const link of heads[url].links) {
      if (!link) continue;
      const target = new URL(link, url);
      if (target.origin !== site.origin) continue;
      if (!target.pathname.startsWith(new URL(site.base).pathname)) {
        broken.push(`${url}: ${link} is outside the sub-path`);
        continue;
      }
      const doc = `${target.origin}${target.pathname}${target.search}`;
      const got = await ids(doc);
      if (got.status !== 200) broken.push(`${url}: ${link} -> ${got.status}`);
      else if (target.hash && got.type?.startsWith('text/html')) {
        const id = decodeURIComponent(target.hash.slice(1));
        if (!got.ids.has(id)) broken.push(`${url}: ${link}: no id ${id}`);
      }
    }
  }
  assert.deepEqual(broken, []);
});
