// The package inside apps built by bundlers, as users ship it: a small app
// (detect text with the shipped PP-OCRv4, classify with the shipped nsfwjs,
// segment with the shipped selfie model) is built with Vite and with webpack
// against the packed tarball, with neither configured for the package, and
// run in Chromium cross-origin isolated (threads) and not (one thread); and
// the same app on Vite's dev server.
// Bundlers must find every file the package loads (its wasm, its workers,
// its models) through literal `new URL(…, import.meta.url)`s and leave the
// Emscripten module to load itself.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, chelseaPath, installPackedPackage, pagePath } from '../node/helpers.mjs';
import { sampleImage } from '../demos/harness.mjs';
import { launchChromium, serve } from './browser.mjs';

const APP = `
import { createGarden } from 'model-garden';

async function bitmap(url) {
  return createImageBitmap(await (await fetch(url)).blob(), { colorSpaceConversion: 'none' });
}

window.runApp = async () => {
  const garden = await createGarden();
  try {
    const detector = await garden.loadTextDetector();
    const lines = (await detector.detect(await bitmap('/images/page.png'))).length;
    const classifier = await garden.loadClassifier({ model: 'nsfwjs' });
    const [top] = await classifier.classify(await bitmap('/images/chelsea.png'), 1);
    const segmenter = await garden.loadSegmenter({ model: 'selfie' });
    const { legend } = await segmenter.segment(await bitmap('/images/person.jpg'));
    return { build: garden.build, threads: garden.threads, inWorker: garden.inWorker, lines, top: top.className,
      classes: Object.keys(legend) };
  } finally {
    garden.dispose();
  }
};
`;

// The bundlers come from the repository's dev dependencies (pinned in package.json).
const { build: viteBuild, createServer: viteServer } = await import(path.join(ROOT, 'node_modules/vite/dist/node/index.js'));
const { default: webpack } = await import(path.join(ROOT, 'node_modules/webpack/lib/index.js'));

async function buildWithVite(app) {
  fs.writeFileSync(path.join(app, 'index.html'), '<!doctype html><title>app</title><script type="module" src="/src/main.js"></script>\n');
  await viteBuild({ root: app, configFile: false, logLevel: 'warn', build: { outDir: 'dist-vite', emptyOutDir: true } });
  return path.join(app, 'dist-vite');
}

function buildWithWebpack(app) {
  const out = path.join(app, 'dist-webpack');
  const compiler = webpack({ mode: 'production', context: app, entry: './src/main.js', output: { path: out, clean: true },
    performance: { hints: false } });
  return new Promise((resolve, reject) => compiler.run((error, stats) => {
    compiler.close(() => {});
    if (error || stats.hasErrors() || stats.hasWarnings()) {
      const { errors, warnings } = stats?.toJson({ all: false, errors: true, warnings: true }) ?? {};
      reject(error ?? new Error([...errors, ...warnings].map((item) => item.message).join('\n')));
      return;
    }
    fs.writeFileSync(path.join(out, 'index.html'), '<!doctype html><title>app</title><script src="main.js"></script>\n');
    resolve(out);
  }));
}

let folder;
let browser;
const bundles = {};
before(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'model-garden-bundled-'));
  await installPackedPackage(folder);
  fs.mkdirSync(path.join(folder, 'src'));
  fs.writeFileSync(path.join(folder, 'src/main.js'), APP);
  // Vite's dev server serves public/ at the root.
  fs.mkdirSync(path.join(folder, 'public/images'), { recursive: true });
  for (const [url, file] of Object.entries(IMAGES)) fs.copyFileSync(file, path.join(folder, 'public', url));
  bundles.vite = await buildWithVite(folder);
  bundles.webpack = await buildWithWebpack(folder);
  browser = await launchChromium();
}, { timeout: 240_000 });

after(async () => {
  await browser?.close();
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

const IMAGES = { '/images/page.png': pagePath(), '/images/chelsea.png': chelseaPath(), '/images/person.jpg': sampleImage('person.jpg') };

async function runApp(url) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(url);
    const result = await page.evaluate('window.runApp()');
    assert.deepEqual(errors, []);
    return result;
  } finally {
    await page.close();
  }
}

async function runBundle(dist, isolated) {
  const server = await serve({ '/': `${dist}/`, ...IMAGES }, { isolated });
  try {
    return await runApp(`${server.url}/index.html`);
  } finally {
    await server.close();
  }
}

/** The app on Vite's dev server (modules served one by one, dependencies pre-bundled). */
async function runViteDev(isolated) {
  const headers = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
  const server = await viteServer({ root: folder, configFile: false, logLevel: 'warn', cacheDir: path.join(folder, '.vite'),
    server: { port: 0, host: '127.0.0.1', headers } });
  await server.listen();
  try {
    return await runApp(server.resolvedUrls.local[0]);
  } finally {
    await server.close();
  }
}

function assertRan(result, isolated) {
  assert.equal(result.inWorker, true);
  assert.equal(result.build, isolated ? 'simd-threads' : 'simd');
  assert.ok(isolated ? result.threads >= 2 : result.threads === 1, `threads ${result.threads}`);
  assert.equal(result.lines, 7, 'the 7 lines of page.png');
  assert.equal(result.top, 'Drawing', 'nsfwjs on chelsea.png, as TF.js ranks it (test/node/package.test.mjs)');
  assert.deepEqual(result.classes, ['background', 'person']);
}

for (const bundler of ['vite', 'webpack']) {
  test(`${bundler}: the bundled app ships the package's files and runs them`, () => {
    const files = fs.readdirSync(bundles[bundler], { recursive: true });
    for (const suffix of ['.wasm', '.onnx', '.tflite', '.tfjs']) {
      assert.ok(files.some((file) => String(file).endsWith(suffix)), `a ${suffix} file in ${files.join(', ')}`);
    }
  });
  for (const isolated of [true, false]) {
    test(`${bundler}: detects, classifies and segments ${isolated ? 'cross-origin isolated, with threads' : 'without isolation, on one thread'}`,
      { timeout: 180_000 }, async () => {
        assertRan(await runBundle(bundles[bundler], isolated), isolated);
      });
  }
}

for (const isolated of [true, false]) {
  test(`vite dev server: the app runs ${isolated ? 'cross-origin isolated' : 'without isolation'}`, { timeout: 180_000 }, async () => {
    assertRan(await runViteDev(isolated), isolated);
  });
}
