// Reliability over many frames in Chromium: a cross-origin isolated page runs
// the package as a page would (the runtime in its worker, the default
// threads) and each runner (text detection, classification, segmentation)
// for GARDEN_BROWSER_SOAK_FRAMES consecutive frames (default 400) on small
// changing frames. As in test/node/soak.test.mjs: the wasm heap at the last
// frame stays within 1% of its size at frame 100, and the median latency of
// the last 100 frames within 1.5x of frames 100-200's.
//
//   node --test test/browser/soak.test.mjs
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { FIXTURES, PACKAGE } from '../node/helpers.mjs';
import { launchChromium, serve } from './browser.mjs';

const FRAMES = Number(process.env.GARDEN_BROWSER_SOAK_FRAMES ?? 400);
const WARM_FRAMES = 100;       // buffers and caches reach their steady size by then
const WINDOW = 100;            // frames per latency median
const MAX_HEAP_GROWTH = 0.01;  // of the heap at frame WARM_FRAMES
const MAX_SLOWDOWN = 1.5;      // last window's median over frames 100-200's
assert.ok(Number.isInteger(FRAMES) && FRAMES >= WARM_FRAMES + 2 * WINDOW,
  `GARDEN_BROWSER_SOAK_FRAMES must be an integer >= ${WARM_FRAMES + 2 * WINDOW}, got ${process.env.GARDEN_BROWSER_SOAK_FRAMES}`);

// In the page: load one runner, run `frames` frames, report the latency of
// each and the heap at frame WARM_FRAMES and at the end. The frames are those
// of the Node soak: dark text-like stripes and a moving gradient.
const SOAK = `
import { createGarden } from '/pkg/garden.mjs';

function frame(width, height, seed) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; ++y) {
    for (let x = 0; x < width; ++x) {
      const at = (y * width + x) * 4;
      const stripe = (y + seed) % 24 >= 8 && (y + seed) % 24 < 14 && x % 10 < 7 && x > 8 && x < width - 8;
      const value = stripe ? 0 : 128 + ((x + y + seed * 3) % 128);
      data[at] = value;
      data[at + 1] = (value + seed) & 255;
      data[at + 2] = 255 - value;
      data[at + 3] = 255;
    }
  }
  return { data, width, height };
}
const FRAMES_96 = Array.from({ length: 8 }, (_, seed) => frame(96, 72, seed));

const RUNNERS = {
  ppocr: {
    load: (garden) => garden.loadTextDetector({ modelUrl: location.origin + '/models/ppocr.onnx', kind: 'ppocr', inputSize: 96 }),
    step: (runner, image) => runner.detect(image),
  },
  selfie: {
    load: (garden) => garden.loadSegmenter({ base: 'selfie', modelUrl: location.origin + '/models/selfie.tflite' }),
    step: (runner, image) => runner.segment(image),
  },
  nsfwjs: {
    load: (garden) => garden.loadClassifier({ model: 'nsfwjs', modelUrl: location.origin + '/models/nsfwjs/model.json' }),
    step: (runner, image) => runner.classify(image, 3),
  },
};

export async function soak(name, frames, warmFrames) {
  const { load, step } = RUNNERS[name];
  const garden = await createGarden();
  const runner = await load(garden);
  try {
    const latencies = [];
    let heapAtWarm = 0;
    for (let i = 0; i < frames; ++i) {
      const start = performance.now();
      await step(runner, FRAMES_96[i % FRAMES_96.length]);
      latencies.push(performance.now() - start);
      if (i === warmFrames - 1) heapAtWarm = await garden.heapBytes();
    }
    const heapAtEnd = await garden.heapBytes();
    return { build: garden.build, threads: garden.threads, inWorker: garden.inWorker, latencies, heapAtWarm, heapAtEnd };
  } finally {
    runner.dispose();
    garden.dispose();
  }
}
`;

const PAGES = {
  '/soak.mjs': SOAK,
  '/index.html': '<!doctype html><title>model-garden soak</title><script type="module">import "/soak.mjs";</script>',
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
};

let browser;
let server;
before(async () => {
  server = await serve({
    '/pkg/': PACKAGE,
    '/models/ppocr.onnx': path.join(FIXTURES, 'ppocrv4_det/model.onnx'),
    '/models/selfie.tflite': path.join(FIXTURES, 'selfie_tflite/model.tflite'),
    '/models/nsfwjs/': path.join(FIXTURES, 'nsfwjs_mobilenet_v2'),
  }, { isolated: true, pages: PAGES });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const RUNNER_NAMES = {
  ppocr: 'text detection (ppocr, inputSize 96)',
  selfie: 'segmentation (selfie, 256x256 fixed)',
  nsfwjs: 'classification (nsfwjs, 224x224 fixed)',
};

for (const [runner, description] of Object.entries(RUNNER_NAMES)) {
  test(`Chromium soak: ${FRAMES} frames of ${description}`, { timeout: 60_000 + FRAMES * 500 }, async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${server.url}/index.html`);
      const result = await page.evaluate(
        ([name, frames, warmFrames]) => import('/soak.mjs').then((m) => m.soak(name, frames, warmFrames)),
        [runner, FRAMES, WARM_FRAMES]);
      assert.deepEqual(errors, []);
      assert.equal(result.build, 'simd-threads', 'the isolated page gets the threaded build');
      assert.equal(result.inWorker, true, 'the runtime runs in its worker');
      assert.equal(result.latencies.length, FRAMES);
      const { heapAtWarm, heapAtEnd } = result;
      const early = median(result.latencies.slice(WARM_FRAMES, WARM_FRAMES + WINDOW));
      const late = median(result.latencies.slice(FRAMES - WINDOW));
      console.log(`# ${description}, ${result.threads} threads: heap ${heapAtWarm} -> ${heapAtEnd} bytes; median ` +
        `${early.toFixed(2)} ms (frames ${WARM_FRAMES}-${WARM_FRAMES + WINDOW}) -> ${late.toFixed(2)} ms (last ${WINDOW})`);
      assert.ok(heapAtWarm > 0);
      assert.ok(heapAtEnd <= heapAtWarm * (1 + MAX_HEAP_GROWTH),
        `wasm heap grew from ${heapAtWarm} to ${heapAtEnd} bytes (bound ${MAX_HEAP_GROWTH * 100}%)`);
      assert.ok(late <= early * MAX_SLOWDOWN,
        `median latency went from ${early.toFixed(2)} to ${late.toFixed(2)} ms (bound ${MAX_SLOWDOWN}x)`);
    } finally {
      await page.close();
    }
  });
}
