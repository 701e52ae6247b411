// Reliability over many frames: each runner (text detection, classification,
// segmentation) runs GARDEN_SOAK_FRAMES consecutive frames (default 300;
// scripts/soak runs 10,000) on small inputs, in wasm under Node. The wasm heap
// at the last frame stays within 1% of its size at frame 100, and the median
// latency of the last 100 frames stays within 1.5x of frames 100-200's: no
// leak, no slowdown.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { FIXTURES, importPackage } from './helpers.mjs';

const FRAMES = Number(process.env.GARDEN_SOAK_FRAMES ?? 300);
const WARM_FRAMES = 100;       // buffers and caches reach their steady size by then
const WINDOW = 100;            // frames per latency median
const MAX_HEAP_GROWTH = 0.01;  // of the heap at frame WARM_FRAMES
const MAX_SLOWDOWN = 1.5;      // last window's median over frames 100-200's
assert.ok(Number.isInteger(FRAMES) && FRAMES >= WARM_FRAMES + 2 * WINDOW,
  `GARDEN_SOAK_FRAMES must be an integer >= ${WARM_FRAMES + 2 * WINDOW}, got ${process.env.GARDEN_SOAK_FRAMES}`);

const { createGarden } = await importPackage();

/** A w x h RGBA frame whose content changes with `seed`: dark text-like stripes and a moving gradient. */
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

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
};

// Eight distinct frames, cycled: the runner sees changing content.
const FRAMES_96 = Array.from({ length: 8 }, (_, seed) => frame(96, 72, seed));

const RUNNERS = {
  'text detection (ppocr, inputSize 96)': {
    load: (garden) => garden.loadTextDetector({ model: fs.readFileSync(path.join(FIXTURES, 'ppocrv4_det/model.onnx')), inputSize: 96 }),
    step: (runner, image) => runner.detect(image),
  },
  'segmentation (selfie, 256x256 fixed)': {
    load: (garden) => garden.loadSegmenter({
      base: 'selfie', modelUrl: pathToFileURL(path.join(FIXTURES, 'selfie_tflite/model.tflite')) }),
    step: (runner, image) => runner.segment(image),
  },
  'classification (nsfwjs, 224x224 fixed)': {
    load: (garden) => garden.loadClassifier({
      model: 'nsfwjs', modelUrl: pathToFileURL(path.join(FIXTURES, 'nsfwjs_mobilenet_v2/model.json')) }),
    step: (runner, image) => runner.classify(image, 3),
  },
};

for (const [name, { load, step }] of Object.entries(RUNNERS)) {
  test(`soak: ${FRAMES} frames of ${name}`, { timeout: FRAMES * 1000 }, async () => {
    const garden = await createGarden({ threads: 1 });
    const runner = await load(garden);
    try {
      const latencies = new Float64Array(FRAMES);
      let heapAtWarm = 0;
      for (let i = 0; i < FRAMES; ++i) {
        const start = performance.now();
        await step(runner, FRAMES_96[i % FRAMES_96.length]);
        latencies[i] = performance.now() - start;
        if (i === WARM_FRAMES - 1) heapAtWarm = await garden.heapBytes();
      }
      const heapAtEnd = await garden.heapBytes();
      const early = median(latencies.subarray(WARM_FRAMES, WARM_FRAMES + WINDOW));
      const late = median(latencies.subarray(FRAMES - WINDOW));
      console.log(`# ${name}: heap ${heapAtWarm} -> ${heapAtEnd} bytes; median ${early.toFixed(2)} ms (frames ` +
        `${WARM_FRAMES}-${WARM_FRAMES + WINDOW}) -> ${late.toFixed(2)} ms (last ${WINDOW})`);
      assert.ok(heapAtEnd <= heapAtWarm * (1 + MAX_HEAP_GROWTH),
        `wasm heap grew from ${heapAtWarm} to ${heapAtEnd} bytes (bound ${MAX_HEAP_GROWTH * 100}%)`);
      assert.ok(late <= early * MAX_SLOWDOWN,
        `median latency went from ${early.toFixed(2)} to ${late.toFixed(2)} ms (bound ${MAX_SLOWDOWN}x)`);
    } finally {
      runner.dispose();
      garden.dispose();
    }
  });
}
