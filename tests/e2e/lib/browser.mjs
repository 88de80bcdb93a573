// Debian's Chromium driven by playwright-core. No browser is ever downloaded:
// the executable is $CHROMIUM_PATH or /usr/bin/chromium.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARTIFACTS } from './site.mjs';

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  // playwright-core gives every launch a fresh temporary profile (user data dir).
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--font-render-hinting=none',
    ],
  });
}

export function artifactsDir(...parts) {
  const dir = join(ARTIFACTS, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Counts layout shifts from the first paint on, into window.__cls. */
const CLS_PROBE = `
  window.__cls = 0;
  window.__shifts = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.hadRecentInput) continue;
        window.__cls += e.value;
        window.__shifts.push({
          value: e.value,
          sources: (e.sources || []).map((s) => s.node && s.node.nodeName + (s.node.id ? '#' + s.node.id : '') + (s.node.className ? '.' + String(s.node.className).split(' ').join('.') : '')),
        });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  } catch (e) {}
`;

/**
 * Opens `url` in a fresh context and records what went wrong on the way:
 * console errors, uncaught exceptions, failed requests, HTTP errors, and any
 * request to a host other than the site's own. Requests elsewhere are aborted.
 */
export async function openPage(browser, url, options = {}) {
  const {
    width = 1280,
    height = 900,
    colorScheme = 'light',
    reducedMotion = 'no-preference',
    javaScriptEnabled = true,
    expectStatus = 200,
    waitUntil = 'load',
    settle = false,
    slowPhone = false,
  } = options;
  const origin = new URL(url).origin;
  const context = await browser.newContext({
    viewport: { width, height },
    colorScheme,
    reducedMotion,
    javaScriptEnabled,
    serviceWorkers: 'block',
  });
  const problems = { console: [], pageErrors: [], failed: [], httpErrors: [], foreign: [] };
  const requests = [];
  await context.route(
    (u) => u.origin !== origin && !u.protocol.startsWith('data') && !u.protocol.startsWith('blob'),
    (route) => {
      problems.foreign.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  const page = await context.newPage();
  await page.addInitScript(CLS_PROBE);
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // The browser logs the expected 404 of a deliberately missing page; nothing else is excused.
    if (expectStatus !== 200 && m.location()?.url === url && /status of 404/.test(m.text())) return;
    problems.console.push(`${m.text()} (${m.location()?.url ?? ''})`);
  });
  page.on('pageerror', (e) => problems.pageErrors.push(String(e?.stack || e)));
  page.on('requestfailed', (r) => {
    if (new URL(r.url()).origin === origin) problems.failed.push(`${r.url()}: ${r.failure()?.errorText}`);
  });
  page.on('requestfinished', (r) => requests.push(r));
  page.on('response', (r) => {
    const isMain = r.request().isNavigationRequest() && r.frame() === page.mainFrame() && r.url() === url;
    if (r.status() >= 400 && !(isMain && r.status() === expectStatus)) {
      problems.httpErrors.push(`${r.status()} ${r.url()}`);
    }
  });
  if (slowPhone) {
    // A mid-range phone on a slow mobile connection: 4x slower CPU, 150 ms round trips, 1.6 Mbit/s down.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  }
  const response = await page.goto(url, { waitUntil });
  // Wait for late requests too (the favicon, anything lazy), when the test counts them.
  if (settle) await page.waitForLoadState('networkidle').catch(() => {});
  return {
    context,
    page,
    response,
    problems,
    requests,
    close: () => context.close(),
  };
}

/** Problems as readable lines; empty when the page loaded cleanly. */
export function problemLines(problems) {
  const lines = [];
  for (const [kind, list] of Object.entries(problems)) {
    for (const item of list) lines.push(`${kind}: ${item}`);
  }
  return lines;
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe-core in the page; returns its violations of WCAG 2.x A and AA rules. */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(AXE_SOURCE);
  }
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')} :: ${n.failureSummary?.split('\n').slice(0, 3).join(' | ')}`),
    }));
  }, AXE_TAGS);
}

export function formatViolations(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 8).join('\n    ')}${v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : ''}`)
    .join('\n  ');
}

/**
 * Horizontal overflow: the document must not be wider than the viewport, and
 * html/body must not hide overflow (which would mask it instead of fixing it).
 * Returns the offenders, if any.
 */
export async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const vw = doc.clientWidth;
    const out = { scrollWidth: doc.scrollWidth, clientWidth: vw, masked: [], offenders: [] };
    for (const el of [doc, document.body]) {
      const s = getComputedStyle(el);
      if (s.overflowX === 'hidden' || s.overflowX === 'clip') out.masked.push(el.nodeName);
    }
    const scrolls = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if ((r.right > vw + 0.5 || r.left < -0.5) && !scrolls(el)) {
        const s = getComputedStyle(el);
        if (s.position === 'absolute' && (r.bottom < 0 || r.right < 0)) continue; // skip link parked off-screen
        if (el.closest('.visually-hidden')) continue;
        out.offenders.push(`${el.nodeName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.classList.length ? '.' + [...el.classList].join('.') : ''} [${Math.round(r.left)}..${Math.round(r.right)}]`);
      }
    }
    out.offenders = out.offenders.slice(0, 10);
    return out;
  });
}

/** Whether the element is rendered and at least partly inside the viewport. */
export async function inViewport(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return { found: false };
    const r = el.getBoundingClientRect();
    return {
      found: true,
      visible: el.checkVisibility(),
      top: Math.round(r.top),
      bottom: Math.round(r.bottom),
      height: innerHeight,
      inView: r.height > 0 && r.top >= -1 && r.top < innerHeight - 10,
    };
  }, selector);
}

/** Waits until `selector`'s top edge rests inside the viewport (smooth scrolling may take a moment). */
export async function waitInViewport(page, selector, timeout = 3000) {
  try {
    await page.waitForFunction(
      (sel) => {
        const el = document.querySelector(sel);
        if (!el) return false;
        const r = el.getBoundingClientRect();
        const ok = r.height > 0 && r.top >= -1 && r.top < innerHeight - 10;
        // Stable across two frames, so a smooth scroll has finished.
        const key = `${Math.round(r.top)}`;
        const prev = el.__lastTop;
        el.__lastTop = key;
        return ok && prev === key;
      },
      selector,
      { timeout, polling: 100 },
    );
  } catch {
    /* reported by the caller's assertion */
  }
  return inViewport(page, selector);
}
