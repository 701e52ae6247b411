// The package in Chromium: a page importing it detects the text of a scanned
// page with and without cross-origin isolation (threaded and single-thread
// builds), with the runtime in its own worker or on the page's thread, and
// from inside the page's own module worker.
//
//   node --test test/browser/
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import fs from 'node:fs';

import { FIXTURES, PACKAGE, ROOT, chelseaPath, pagePath } from '../node/helpers.mjs';
import { CATALOGUE, integrityOf, localFile } from '../node/official_urls.mjs';
import { launchChromium, serve } from './browser.mjs';

// Runs in the page or in a worker: createGarden, detect on page.png, report.
const DETECT = `
import { createGarden } from '/pkg/garden.mjs';
// The file's pixel values, as Node's decoder reads them (page.png has a gAMA chunk).
export async function pageBitmap() {
  return createImageBitmap(await (await fetch('/page.png')).blob(), { colorSpaceConversion: 'none' });
}
export async function detectPage(options, image) {
  const bitmap = image ?? await pageBitmap();
  const garden = await createGarden(options);
  const progress = [];
  const detector = await garden.loadTextDetector({ model: 'ppocr', onProgress: (p) => progress.push(p) });
  const boxes = await detector.detect(bitmap);
  let error;
  try { await detector.detect({ data: new Uint8Array(0), width: 0, height: 0 }); } catch (e) { error = e.code; }
  const result = { build: garden.build, threads: garden.threads, isolated: garden.isolated, inWorker: garden.inWorker,
    lines: boxes.length, corners: boxes.map((box) => box.length), progressDone: progress.at(-1)?.loaded === progress.at(-1)?.total, error };
  detector.dispose();
  garden.dispose();
  return result;
}
`;

const PAGES = {
  '/detect.mjs': DETECT,
  '/index.html': '<!doctype html><title>model-garden test</title><script type="module">import "/detect.mjs";</script>',
  '/user_worker.mjs': `import { detectPage } from '/detect.mjs';
    detectPage({ threads: 2 }).then((result) => postMessage(result), (error) => postMessage({ failed: error.code + ': ' + error.message }));`,
};

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

async function runInPage(isolated, script) {
  const server = await serve({ '/pkg/': PACKAGE, '/page.png': pagePath() }, { isolated, pages: PAGES });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(`${server.url}/index.html`);
    const result = await page.evaluate(script);
    assert.deepEqual(errors, []);
    return result;
  } finally {
    await page.close();
    await server.close();
  }
}

function assertDetected(result, expected) {
  assert.equal(result.failed, undefined);
  assert.equal(result.lines, 7, 'the 7 lines of page.png');
  assert.ok(result.corners.every((n) => n === 4));
  assert.equal(result.progressDone, true);
  assert.equal(result.error, 'INVALID_ARGUMENT');
  for (const [key, value] of Object.entries(expected)) assert.equal(result[key], value, key);
}

const inPage = (options) => `import('/detect.mjs').then((m) => m.detectPage(${JSON.stringify(options)}))`;

test('cross-origin isolated page: threaded build in the runtime worker', { timeout: 180_000 }, async () => {
  const result = await runInPage(true, inPage({ threads: 2 }));
  assertDetected(result, { build: 'simd-threads', threads: 2, isolated: true, inWorker: true });
});

test('page without isolation: single-thread build in the runtime worker', { timeout: 180_000 }, async () => {
  const result = await runInPage(false, inPage({ threads: 2 }));
  assertDetected(result, { build: 'simd', threads: 1, isolated: false, inWorker: true });
});

test('isolated page, runtime on the page thread ({ worker: false })', { timeout: 180_000 }, async () => {
  const result = await runInPage(true, inPage({ threads: 2, worker: false }));
  assertDetected(result, { build: 'simd-threads', threads: 2, inWorker: false });
});

test('an <img> element goes to the runtime worker as a transferred ImageBitmap', { timeout: 180_000 }, async () => {
  const result = await runInPage(true, `(async () => {
    const image = new Image();
    image.src = '/page.png';
    await image.decode();
    const m = await import('/detect.mjs');
    return m.detectPage({ threads: 2 }, image);
  })()`);
  assertDetected(result, { build: 'simd-threads', inWorker: true });
});

test("inside the page's own module worker", { timeout: 180_000 }, async () => {
  const result = await runInPage(true, `new Promise((resolve) => {
    const worker = new Worker('/user_worker.mjs', { type: 'module' });
    worker.onmessage = ({ data }) => resolve(data);
    worker.onerror = (event) => resolve({ failed: event.message });
  })`);
  assertDetected(result, { build: 'simd-threads', threads: 2, inWorker: false });
});

test("NOT_ISOLATED when the threaded build is forced on a page without isolation", { timeout: 60_000 }, async () => {
  const code = await runInPage(false, `import('/pkg/garden.mjs').then((m) => m.createGarden({ build: 'simd-threads' }))
    .then(() => 'resolved', (error) => error.code)`);
  assert.equal(code, 'NOT_ISOLATED');
});

// A model loaded by URL is kept in Cache Storage: with its URL blocked
// (offline), a second visit still loads it. The same load with { cache: false }
// fails with NETWORK, which shows the route is really blocked.
test('a second visit loads the model from Cache Storage offline', { timeout: 180_000 }, async () => {
  const model = path.join(FIXTURES, 'ppocrv4_det/model.onnx');
  const server = await serve({ '/pkg/': PACKAGE, '/page.png': pagePath(), '/models/ppocr.onnx': model }, { isolated: true, pages: PAGES });
  const page = await browser.newPage();
  const load = (cache) => `import('/detect.mjs').then(async (m) => {
    const { createGarden } = await import('/pkg/garden.mjs');
    const garden = await createGarden({ threads: 2 });
    try {
      const detector = await garden.loadTextDetector({ modelUrl: location.origin + '/models/ppocr.onnx', cache: ${cache} });
      return { lines: (await detector.detect(await m.pageBitmap())).length };
    } catch (error) {
      return { code: error.code };
    } finally {
      garden.dispose();
    }
  })`;
  // The cache is written beside the download; wait until the entry is there.
  const cached = `(async () => {
    for (let i = 0; i < 100; ++i) {
      const store = await caches.open('model-garden-models-v1');
      if (await store.match(location.origin + '/models/ppocr.onnx')) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  })()`;
  try {
    await page.goto(`${server.url}/index.html`);
    assert.deepEqual(await page.evaluate(load(true)), { lines: 7 }, 'first visit, online');
    assert.equal(await page.evaluate(cached), true, 'the model is in Cache Storage');
    let blocked = 0;
    await browser.route('**/models/**', (route) => { ++blocked; return route.abort('internetdisconnected'); });
    await page.reload();
    assert.deepEqual(await page.evaluate(load(false)), { code: 'NETWORK' }, 'offline without the cache');
    assert.ok(blocked > 0, 'the model request was blocked');
    assert.deepEqual(await page.evaluate(load(true)), { lines: 7 }, 'second visit, offline, from Cache Storage');
  } finally {
    await browser.unroute('**/models/**');
    await page.close();
    await server.close();
  }
});

// loadModel in the runtime worker, in its two forms: the model as the first
// argument, and { model | modelUrl } as the other loaders take it. Each form
// gives the same outputs, and a wrong form is refused with a typed error.
test('loadModel forms in the runtime worker: (bytes), ({ model }), ({ modelUrl })', { timeout: 180_000 }, async () => {
  const selfie = path.join(FIXTURES, 'selfie_tflite/model.tflite');
  const server = await serve({ '/pkg/': PACKAGE, '/selfie.tflite': selfie }, { isolated: true, pages: PAGES });
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/index.html`);
    const result = await page.evaluate(`(async () => {
      const { createGarden } = await import('/pkg/garden.mjs');
      const garden = await createGarden({ threads: 2 });
      const url = location.origin + '/selfie.tflite';
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const code = (promise) => promise.then(() => 'resolved', (error) => error.code);
      try {
        const outputs = [];
        for (const load of [() => garden.loadModel(bytes), () => garden.loadModel({ model: bytes }),
                            () => garden.loadModel({ modelUrl: url }), () => garden.loadModel({ modelUrl: new URL(url) })]) {
          const model = await load();
          const input = new Float32Array(model.inputs[0].shape.reduce((a, b) => a * b, 1)).fill(0.5);
          outputs.push(Array.from((await model.run([input]))[0]));
          model.dispose();
        }
        return { inWorker: garden.inWorker, same: outputs.every((o) => JSON.stringify(o) === JSON.stringify(outputs[0])),
          length: outputs[0].length, both: await code(garden.loadModel({ model: bytes, modelUrl: url })),
          neither: await code(garden.loadModel({})), twice: await code(garden.loadModel({ model: bytes }, {})) };
      } finally {
        garden.dispose();
      }
    })()`);
    assert.deepEqual(result, { inWorker: true, same: true, length: 256 * 256, both: 'INVALID_ARGUMENT',
      neither: 'INVALID_ARGUMENT', twice: 'INVALID_ARGUMENT' });
  } finally {
    await page.close();
    await server.close();
  }
});

// The default loaders in a page, through their official URLs: Playwright's
// routing answers each with a local file of the same format, with the CORS
// header the real hosts send (a cross-origin isolated page needs it). The
// routes belong to the page (its workers' requests included) and close with
// it: a context-wide unroute() can wait forever on a handler whose response
// the page abandoned (the refused download). A wrong checksum is refused and
// leaves Cache Storage empty; the second loads are served from Cache Storage,
// without a request, and read the models as the first visit imported them.
test('loadClassifier() and loadSegmenter() by their official URLs in a page: integrity, then Cache Storage', { timeout: 180_000 }, async () => {
  const server = await serve({ '/pkg/': PACKAGE, '/chelsea.png': chelseaPath() }, { isolated: true, pages: PAGES });
  const page = await browser.newPage();
  const requests = [];
  const answer = (route) => {
    const url = route.request().url();
    requests.push(url);
    const file = localFile(url);
    if (!file || !fs.existsSync(file)) return route.fulfill({ status: 404 });
    return route.fulfill({ status: 200, body: fs.readFileSync(file),
      headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/octet-stream' } });
  };
  const hosts = ['https://storage.googleapis.com/**', 'https://tfhub.dev/**'];
  for (const host of hosts) await page.route(host, answer);
  const lite0 = CATALOGUE.classifiers['efficientnet-lite0'].url;
  const integrity = { classifier: integrityOf(lite0), segmenter: integrityOf(CATALOGUE.deeplab.pascal[2]),
    wrong: 'sha256-' + Buffer.alloc(32, 7).toString('base64') };
  try {
    await page.goto(`${server.url}/index.html`);
    const result = await page.evaluate(`(async () => {
      const integrity = ${JSON.stringify(integrity)};
      const { createGarden } = await import('/pkg/garden.mjs');
      const garden = await createGarden({ threads: 2 });
      const image = await createImageBitmap(await (await fetch('/chelsea.png')).blob());
      const entries = async () => (await (await caches.open('model-garden-models-v1')).keys()).length;
      const code = (promise) => promise.then(() => 'resolved', (error) => error.code);
      try {
        const wrong = await code(garden.loadClassifier({ integrity: integrity.wrong }));
        const afterWrong = await entries();
        const classifier = await garden.loadClassifier({ integrity: integrity.classifier });
        const top = await classifier.classify(image, 3);
        const segmenter = await garden.loadSegmenter({ integrity: integrity.segmenter });
        const { width, height, segmentationMap } = await segmenter.segment(image);
        const cached = await entries();
        const imports = (await (await caches.open('model-garden-imports-v1')).keys()).map((request) => request.url);
        classifier.dispose();
        segmenter.dispose();
        return { wrong, afterWrong, cached, imports, version: garden.version, top: top.map((p) => p.className),
          mapOk: segmentationMap.length === width * height * 4 };
      } finally {
        garden.dispose();
      }
    })()`);
    assert.equal(result.wrong, 'INTEGRITY');
    assert.equal(result.afterWrong, 0, 'nothing cached after a wrong checksum');
    assert.equal(result.top.length, 3);
    for (const name of result.top) assert.doesNotMatch(name, /,/, 'named by the labels the .tflite packs');
    assert.equal(result.mapOk, true);
    const deeplabFiles = Object.keys(integrity.segmenter).length;
    assert.equal(result.cached, 1 + deeplabFiles, 'the classifier and every DeepLab file, each under its checksum');
    // Each model's import, kept as a .garden file (and an index) under the
    // runtime's version and the file's SHA-256.
    assert.equal(result.imports.length, 4, result.imports.join(', '));
    for (const url of result.imports) assert.ok(url.includes(encodeURIComponent(result.version)), url);
    assert.equal(result.imports.filter((url) => url.endsWith('/index.json')).length, 2);
    const fetched = requests.length;
    assert.equal(fetched, 2 + deeplabFiles, requests.join(', '));

    // A second visit: both load from Cache Storage, nothing is requested.
    await page.reload();
    const again = await page.evaluate(`(async () => {
      const integrity = ${JSON.stringify(integrity)};
      const { createGarden } = await import('/pkg/garden.mjs');
      const garden = await createGarden({ threads: 2 });
      try {
        const image = await createImageBitmap(await (await fetch('/chelsea.png')).blob());
        const classifier = await garden.loadClassifier({ integrity: integrity.classifier, warmup: false });
        const top = await classifier.classify(image, 3);
        classifier.dispose();
        (await garden.loadSegmenter({ integrity: integrity.segmenter, warmup: false })).dispose();
        await garden.clearCache();
        return { caches: (await caches.keys()).length, top: top.map((p) => p.className) };
      } finally {
        garden.dispose();
      }
    })()`);
    assert.equal(requests.length, fetched, 'the second visit requested nothing');
    assert.deepEqual(again.top, result.top, 'the cached import classifies as the first visit did');
    assert.equal(again.caches, 0, 'clearCache() removed the caches');
  } finally {
    await page.close();
    await server.close();
  }
});

// The package from a CDN: the page's origin serves only the page; the
// package's files come from another origin (with CORS, as CDNs send them).
// A page cannot start a worker from another origin's script, so the runtime
// worker and the thread workers start from same-origin blobs that import
// the real scripts.
for (const isolated of [true, false]) {
  test(`the package from another origin (a CDN), ${isolated ? 'isolated' : 'not isolated'}`, { timeout: 180_000 }, async () => {
    const cdn = await serve({ '/': `${PACKAGE}/` }, { isolated, cors: true });
    const site = await serve({ '/page.png': pagePath() }, { isolated, pages: { '/index.html': '<!doctype html><title>app</title>' } });
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${site.url}/index.html`);
      const result = await page.evaluate(`(async () => {
        const { createGarden } = await import('${cdn.url}/garden.mjs');
        const garden = await createGarden({ threads: 2 });
        try {
          const detector = await garden.loadTextDetector();
          const image = await createImageBitmap(await (await fetch('/page.png')).blob(), { colorSpaceConversion: 'none' });
          return { build: garden.build, threads: garden.threads, inWorker: garden.inWorker, lines: (await detector.detect(image)).length };
        } finally {
          garden.dispose();
        }
      })()`);
      assert.deepEqual(result, { build: isolated ? 'simd-threads' : 'simd', threads: isolated ? 2 : 1, inWorker: true, lines: 7 });
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
      await site.close();
      await cdn.close();
    }
  });
}

// baseUrl moves every file the package loads: the page imports the package
// from its own origin, and the wasm, the workers' scripts and the shipped
// model all come from the baseUrl's.
test('baseUrl moves the wasm, the workers and the shipped models', { timeout: 180_000 }, async () => {
  const cdn = await serve({ '/': `${PACKAGE}/` }, { isolated: true, cors: true });
  const site = await serve({ '/pkg/': PACKAGE, '/page.png': pagePath() }, { isolated: true, pages: PAGES });
  const page = await browser.newPage();
  const requested = [];
  page.context().on('request', (request) => requested.push(request.url()));
  try {
    await page.goto(`${site.url}/index.html`);
    const lines = await page.evaluate(`(async () => {
      const { createGarden } = await import('/pkg/garden.mjs');
      const garden = await createGarden({ threads: 2, baseUrl: '${cdn.url}/' });
      try {
        const detector = await garden.loadTextDetector();
        const m = await import('/detect.mjs');
        return (await detector.detect(await m.pageBitmap())).length;
      } finally {
        garden.dispose();
      }
    })()`);
    assert.equal(lines, 7);
    const fromSite = requested.filter((url) => url.startsWith(`${site.url}/pkg/`)).map((url) => url.slice(site.url.length));
    const fromCdn = requested.filter((url) => url.startsWith(cdn.url)).map((url) => url.slice(cdn.url.length));
    for (const file of ['/worker.mjs', '/dist/garden_wasm.mjs', '/dist/garden_wasm.wasm', '/dist/garden_wasm.worker.txt', '/models/ppocr_det.onnx']) {
      assert.ok(fromCdn.includes(file), `${file} from baseUrl (${fromCdn.join(', ')})`);
      assert.ok(!fromSite.includes(`/pkg${file}`), `${file} not from the page's copy`);
    }
  } finally {
    await page.close();
    await site.close();
    await cdn.close();
  }
});

// The few-shot classifier in a page, its classifier in the runtime worker:
// taught with 5 augmented crops of each of four real photos, it must name at
// least 95 % of 15 other crops of each (as in Node, test/node/few_shot.test.mjs).
test('a few-shot classifier taught in a page names held-out crops of four photos', { timeout: 300_000 }, async () => {
  const photos = path.dirname(chelseaPath());
  const seededRandom = path.join(ROOT, 'scripts/lib/seeded_random.mjs');
  const server = await serve({ '/pkg/': PACKAGE, '/photos/': photos, '/seeded_random.mjs': seededRandom }, { isolated: true, pages: PAGES });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(`${server.url}/index.html`);
    const result = await page.evaluate(`(async () => {
      const { createGarden } = await import('/pkg/garden.mjs');
      const { mulberry32 } = await import('/seeded_random.mjs');
      const next = mulberry32(20261207);
      const canvas = new OffscreenCanvas(224, 224);
      const context = canvas.getContext('2d', { willReadFrequently: true });
      const crop = (photo) => {  // a square of 45-85 % of the shorter side, maybe mirrored, brightness 0.8-1.2
        const side = Math.floor(Math.min(photo.width, photo.height) * (0.45 + 0.4 * next()));
        const left = Math.floor((photo.width - side) * next()), top = Math.floor((photo.height - side) * next());
        const mirror = next() < 0.5, gain = 0.8 + 0.4 * next();
        context.setTransform(mirror ? -1 : 1, 0, 0, 1, mirror ? 224 : 0, 0);
        context.filter = 'brightness(' + gain + ')';
        context.drawImage(photo, left, top, side, side, 0, 0, 224, 224);
        return context.getImageData(0, 0, 224, 224);
      };
      const garden = await createGarden();
      const classifier = await garden.loadClassifier({ model: 'nsfwjs' });
      const fewShot = garden.createFewShotClassifier(classifier);
      const heldOut = [];
      for (const [label, file] of Object.entries({ cat: 'chelsea.png', astronaut: 'astronaut.png', coffee: 'coffee.png', motorcycle: 'motorcycle_left.png' })) {
        const photo = await createImageBitmap(await (await fetch('/photos/' + file)).blob(), { colorSpaceConversion: 'none' });
        for (let i = 0; i < 5; ++i) await fewShot.addExample(crop(photo), label);
        for (let i = 0; i < 15; ++i) heldOut.push({ label, image: crop(photo) });
      }
      let correct = 0;
      for (const { label, image } of heldOut) if ((await fewShot.predict(image)).label === label) correct += 1;
      const result = { inWorker: garden.inWorker, correct, total: heldOut.length, counts: fewShot.getClassExampleCount() };
      garden.dispose();
      return result;
    })()`);
    console.log(`# few-shot in Chromium: ${result.correct}/${result.total} held-out crops named correctly`);
    assert.equal(result.inWorker, true);
    assert.deepEqual(result.counts, { cat: 5, astronaut: 5, coffee: 5, motorcycle: 5 });
    assert.ok(result.correct >= Math.ceil(0.95 * result.total), `${result.correct} of ${result.total}`);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await server.close();
  }
});
