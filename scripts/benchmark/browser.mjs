// --browser: the bench's measurements in headless Chromium. A small static
// server (cross-origin isolated: COOP/COEP, so SharedArrayBuffer and threads
// work) serves this folder, the model manifest, the garden package,
// node_modules and the fixture folders; every measurement gets a fresh browser context and page, so each
// runtime instantiates anew, as in the Node worker threads.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.GARDEN_CHROMIUM ?? '/usr/bin/chromium';
// Headless flags that work on this kind of machine (see FACTS.md).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json',
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** URL prefix -> folder on disk; anything outside these folders is refused. */
function routes({ root, gardenPackage, folders }) {
  const table = [
    ['/bench/', HERE],
    ['/weights/', path.join(root, 'weights')],  // manifest.json: models.mjs's list
    ['/garden/', gardenPackage],
    ['/node_modules/', path.join(root, 'node_modules')],
  ];
  for (const [name, dir] of Object.entries(folders)) table.push([`/data/${name}/`, dir]);
  return table;
}

function resolveFile(table, pathname) {
  for (const [prefix, dir] of table) {
    if (!pathname.startsWith(prefix)) continue;
    const file = path.resolve(dir, decodeURIComponent(pathname.slice(prefix.length)));
    return file.startsWith(path.resolve(dir) + path.sep) ? file : null;
  }
  return null;
}

function startServer(options, outputs) {
  const table = routes(options);
  const server = http.createServer((request, response) => {
    const { pathname } = new URL(request.url, 'http://localhost');
    if (request.method === 'POST' && pathname.startsWith('/output/')) {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        const bytes = Buffer.concat(chunks);
        outputs.set(pathname.slice('/output/'.length), new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
        response.writeHead(204, ISOLATION_HEADERS).end();
      });
      return;
    }
    const file = resolveFile(table, pathname);
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404, ISOLATION_HEADERS).end();
      return;
    }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    response.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': type });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** { version, peerSkip, measure(runtime, model, threads, runs), close() } for bench.mjs. */
export async function openBrowserMeasurer(options) {
  const require = createRequire(path.join(options.root, 'package.json'));
  const { chromium } = require('playwright-core');
  const outputs = new Map();
  const server = await startServer(options, outputs);
  const origin = `http://127.0.0.1:${server.address().port}`;
  // Playwright gives the browser a fresh temporary profile of its own.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
    .catch((error) => { server.close(); throw error; });
  let counter = 0;

  async function measure(runtime, model, threads, runs) {
    const key = `m${++counter}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    const messages = [];
    page.on('console', (message) => messages.push(message.text()));
    page.on('pageerror', (error) => messages.push(String(error)));
    try {
      await page.goto(`${origin}/bench/page.html`);
      await page.waitForFunction(() => globalThis.benchReady === true, null, { timeout: 60000 });
      const result = await page.evaluate((job) => globalThis.runMeasurement(job),
        { runtime, modelId: model.id, threads, runs, key });
      if (result.error) options.log(`${runtime} failed in the page: ${result.error} ${messages.slice(-3).join(' | ')}`);
      return { ...result, output: outputs.get(key) };
    } catch (error) {
      return { error: `${String(error.message ?? error).split('\n')[0]} ${messages.slice(-3).join(' | ')}` };
    } finally {
      outputs.delete(key);
      await page.close();
      await context.close();
    }
  }

  // Three visits to one page in one browser context (Cache Storage persists
  // across them): the first (nothing cached), a second with the cache of
  // imports dropped (the download from Cache Storage, imported again), and a
  // second with both.
  async function visits(model, threads) {
    const context = await browser.newContext();
    const page = await context.newPage();
    // With the file's SHA-256 integrity, as the catalogue's loads have it.
    const bytes = fs.readFileSync(path.join(options.folders.fixtures, model.fixture, 'model.onnx'));
    const job = { url: `${origin}/data/fixtures/${model.fixture}/model.onnx`, threads,
      integrity: `sha256-${crypto.createHash('sha256').update(bytes).digest('base64')}`,
      ...(model.dynamic ? { height: model.height, width: model.width } : {}) };
    const results = {};
    try {
      for (const [visit, dropImports] of [['first', false], ['downloadsOnly', true], ['second', false]]) {
        await page.goto(`${origin}/bench/page.html`);
        await page.waitForFunction(() => globalThis.benchReady === true, null, { timeout: 60000 });
        results[visit] = await page.evaluate((args) => globalThis.measureVisit(args), { ...job, dropImports });
      }
      return results;
    } catch (error) {
      return { error: String(error.message ?? error).split('\n')[0] };
    } finally {
      await page.close();
      await context.close();
    }
  }

  return {
    version: `Chromium ${browser.version()}`,
    peerSkip: () => null,
    measure,
    visits,
    async close() {
      await browser.close();
      server.close();
    },
  };
}
