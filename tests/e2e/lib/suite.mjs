// What every browser test file starts with: the microsite built and served
// under a sub-path, and one headless Chromium; both close when the file's
// tests are done.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { launch } from './browser.mjs';
import { startSite } from './site.mjs';

/** Returns { site, browser, pageUrl }: see startSite() for `site`. */
export async function openSuite() {
  const site = await startSite();
  let browser;
  try {
    browser = await launch();
  } catch (e) {
    await site.close();
    throw e;
  }
  after(async () => {
    await browser.close();
    await site.close();
  });
  /** The URL of the page with this short name ("home", "quotes", "404"…). */
  const pageUrl = (name) => {
    const url = site.pages.find((u) => site.name(u) === name);
    assert.ok(url, `no ${name} page`);
    return url;
  };
  return { site, browser, pageUrl };
}
