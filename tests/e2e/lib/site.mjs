// Builds the microsite with the release binary into a temporary folder and
// serves it on 127.0.0.1 under a sub-path, the way a static host would.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = resolve(HERE, '..', '..');
export const ARTIFACTS = join(HERE, 'artifacts');
/** The sub-path the site is served under, so base-path handling is exercised. */
export const SUB = '/sub/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.pdf': 'application/pdf',
};

export function contentType(file) {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The release binary: $BROADSIDE_BIN, or target/release/broadside of this repository. */
export function broadsideBin() {
  const bin = process.env.BROADSIDE_BIN
    ? resolve(process.env.BROADSIDE_BIN)
    : join(REPO_ROOT, 'target', 'release', 'broadside');
  if (!existsSync(bin)) {
    throw new Error(
      `no broadside binary at ${bin}: run \`cargo build --release\` in ${REPO_ROOT} or set BROADSIDE_BIN`,
    );
  }
  return bin;
}

/**
 * Runs `broadside build` into a fresh temporary folder outside the repository,
 * for `baseUrl` (or, without one, for site.toml's own base_url).
 */
export function buildSite(baseUrl) {
  const output = mkdtempSync(join(tmpdir(), 'broadside-e2e-'));
  const run = spawnSync(
    broadsideBin(),
    ['build', '--root', REPO_ROOT, '--output', output, ...(baseUrl ? ['--base-url', baseUrl] : [])],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (run.status !== 0) {
    rmSync(output, { recursive: true, force: true });
    throw new Error(
      `broadside build failed (status ${run.status}):\n${run.stdout}\n${run.stderr}${run.error ?? ''}`,
    );
  }
  return output;
}

/**
 * A static file server for `root`, mounted at `SUB`: directories serve their
 * index.html (and redirect to the slash form), anything missing is a 404 with
 * the site's 404.html, nothing outside the root is ever read. `?trickle=MS`
 * sends an HTML file a block at a time, MS milliseconds apart.
 */
export function serveFolder(root, server) {
  const rootDir = resolve(root);
  server.on('request', (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url, 'http://localhost');
    const notFound = () => {
      const page = join(rootDir, '404.html');
      const body = existsSync(page) ? readFileSync(page) : Buffer.from('Not found');
      res.writeHead(404, {
        'Content-Type': existsSync(page) ? TYPES['.html'] : TYPES['.txt'],
        'Content-Length': body.length,
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (!url.pathname.startsWith(SUB)) return notFound();
    let rel;
    try {
      rel = decodeURIComponent(url.pathname.slice(SUB.length));
    } catch {
      return notFound();
    }
    if (rel.includes('\0')) return notFound();
    let file = resolve(rootDir, rel);
    if (file !== rootDir && !file.startsWith(rootDir + sep)) return notFound();
    let stat = existsSync(file) ? statSync(file) : null;
    if (stat?.isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        res.writeHead(301, { Location: `${url.pathname}/${url.search}` }).end();
        return;
      }
      file = join(file, 'index.html');
      stat = existsSync(file) ? statSync(file) : null;
    }
    if (!stat?.isFile()) return notFound();
    const body = readFileSync(file);
    res.writeHead(200, {
      'Content-Type': contentType(file),
      'Content-Length': body.length,
      // No compression and no caching: every page load is measured in full.
      'Cache-Control': 'no-store',
    });
    const pause = Number(url.searchParams.get('trickle'));
    if (req.method === 'GET' && pause > 0 && contentType(file) === TYPES['.html']) {
      // A slow connection: the page arrives one block at a time, `pause` ms apart, and the
      // browser paints what it has so far each time.
      // Read as latin1, one character a byte, so match offsets are byte offsets.
      const cuts = [...body.toString('latin1').matchAll(BLOCK_START)].map((m) => m.index);
      const send = (i) => {
        if (res.destroyed) return;
        if (i >= cuts.length) return res.end(body.subarray(cuts.at(-1) ?? 0));
        res.write(body.subarray(cuts[i - 1] ?? 0, cuts[i]));
        setTimeout(send, pause, i + 1);
      };
      return send(0);
    }
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

/** Where a `?trickle` response is cut: before each start tag of a block that could move others. */
const BLOCK_START = /<(?:article|blockquote|dd|div|dl|dt|figure|footer|form|h[1-6]|header|li|main|nav|ol|p|section|table|tr|ul)[\s>]/g;

/**
 * Starts a server on a free port, builds the site for that address and serves
 * it. Returns { origin, base, output, pages, close }: `pages` are the sitemap's
 * URLs plus the 404 page.
 */
export async function startSite() {
  const server = createServer();
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  const base = `${origin}${SUB}`;
  let output;
  try {
    output = buildSite(base);
  } catch (e) {
    server.close();
    throw e;
  }
  serveFolder(output, server);
  const sitemap = readFileSync(join(output, 'sitemap.xml'), 'utf8');
  const pages = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) =>
    m[1].replaceAll('&amp;', '&'),
  );
  if (existsSync(join(output, '404.html'))) pages.push(`${base}404.html`);
  return {
    origin,
    base,
    output,
    pages,
    /** A short readable name for a page URL: "home", "timeline", "404". */
    name: (url) => pageName(base, url),
    close: async () => {
      server.closeAllConnections?.();
      await new Promise((ok) => server.close(ok));
      rmSync(output, { recursive: true, force: true });
    },
  };
}

export function pageName(base, url) {
  const rest = url.slice(base.length).replace(/index\.html$/, '').replace(/\.html$/, '');
  return rest.replace(/\/+$/, '').replaceAll('/', '-') || 'home';
}
