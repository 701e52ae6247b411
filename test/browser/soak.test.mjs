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
import { WARM_FRAMES, checkFlat, soakFrame, soakFrames } from '../node/soak_check.mjs';
import { launchChromium, serve } from './browser.mjs';

const FRAMES = soakFrames('GARDEN_BROWSER_SOAK_FRAMES', 400);

// In the page: load one runner, run `frames` frames, report the latency of
// each and the heap at frame WARM_FRAMES and at the end. The frames are those
// of the Node soak: dark text-like stripes and a moving gradient.
const SOAK = `
import { createGarden } from '/pkg/garden.mjs';

${soakFrame.toString()}
const FRAMES_96 = Array.from({ length: 8 }, (_, seed) => soakFrame(96, 72, seed));

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
      assert.ok(result.heapAtWarm > 0);
      checkFlat(`${description}, ${result.threads} threads`, result);
    } finally {
      await page.close();
    }
  });
}
