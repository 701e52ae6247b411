// Launching Debian's Chromium (playwright-core) and serving files, with or
// without the headers that make a page cross-origin isolated.
//
//   const server = await serve({ '/pkg/': packageDir, '/page.png': pngFile }, { isolated: true, pages });
//   const browser = await launchChromium();
//   ...; await browser.close(); await server.close();
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.GARDEN_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript',
  '.wasm': 'application/wasm', '.png': 'image/png', '.jpg': 'image/jpeg', '.json': 'application/json',
  '.onnx': 'application/octet-stream',
};

/** Chromium headless with a fresh profile (removed on close). */
export async function launchChromium() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'garden-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: FLAGS,
  });
  const close = context.close.bind(context);
  context.close = async () => { await close(); fs.rmSync(profile, { recursive: true, force: true }); };
  return context;
}

/**
 * Serves `mounts` (URL prefix ending in '/' → folder; exact path → file) and
 * `pages` (URL path → HTML or JS text) on 127.0.0.1 at a free port. With
 * `isolated`, every response carries COOP/COEP (and CORP), so pages get
 * SharedArrayBuffer. With `cors`, any origin may read the files, as from a
 * CDN. Resolves to { url, close() }.
 */
export async function serve(mounts, { isolated, pages = {}, cors = false }) {
  const server = http.createServer((request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const headers = {
      ...(isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {}),
      ...(cors ? { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' }
        : isolated ? { 'Cross-Origin-Resource-Policy': 'same-origin' } : {}),
    };
    if (urlPath in pages) {
      const type = urlPath.endsWith('.html') ? TYPES['.html'] : TYPES['.js'];
      response.writeHead(200, { ...headers, 'Content-Type': type }).end(pages[urlPath]);
      return;
    }
    const file = resolveFile(mounts, urlPath);
    if (!file) { response.writeHead(404, headers).end(); return; }
    response.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

function resolveFile(mounts, urlPath) {
  for (const [prefix, target] of Object.entries(mounts)) {
    if (!prefix.endsWith('/')) {
      if (urlPath === prefix) return target;
      continue;
    }
    if (!urlPath.startsWith(prefix)) continue;
    const file = path.resolve(target, '.' + urlPath.slice(prefix.length - 1));
    if (!file.startsWith(path.resolve(target))) return null;  // no ../ escapes
    try {
      if (fs.statSync(file).isFile()) return file;
    } catch { /* not there */ }
  }
  return null;
}
