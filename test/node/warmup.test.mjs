// Warm-up at load (the loaders' `warmup` option): the runs it makes at load
// change no result of the caller's calls, they really happen, and the option
// is checked.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { FIXTURES, PACKAGE, importPackage, readPage, rejection } from './helpers.mjs';

const { createGarden } = await importPackage();
const page = readPage();
const selfieUrl = pathToFileURL(path.join(FIXTURES, 'selfie_tflite/model.tflite'));
const nsfwjsUrl = pathToFileURL(path.join(FIXTURES, 'nsfwjs_mobilenet_v2/model.json'));

/** A deterministic input with content for every element of `shape`. */
function patterned(shape) {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; ++i) values[i] = Math.sin(i * 0.37) * 0.5 + 0.5;
  return values;
}

// Each loader with and without warm-up, on one garden; the same calls must
// give the same results to the bit (same weights, same kernels, same thread
// count: nothing left over from the warm-up runs may leak into a result).
// One runner at a time: each threaded runner takes the garden's pthreads.
const LOADERS = {
  loadTextDetector: {
    load: (garden, warmup) => garden.loadTextDetector({ model: 'ppocr', inputSize: 320, warmup }),
    calls: async (runner) => [await runner.detect(page), await runner.detect(page, { minTextConfidence: 0.9 })],
  },
  loadClassifier: {
    load: (garden, warmup) => garden.loadClassifier({ model: 'nsfwjs', modelUrl: nsfwjsUrl, warmup }),
    calls: async (runner) => [await runner.classify(page, 5)],
  },
  loadSegmenter: {
    load: (garden, warmup) => garden.loadSegmenter({ base: 'selfie', modelUrl: selfieUrl, warmup }),
    calls: async (runner) => [await runner.segment(page)],
  },
  loadModel: {
    load: (garden, warmup) => garden.loadModel(selfieUrl, { warmup }),
    calls: async (runner) => [await runner.run(runner.inputs.map((input) => patterned(input.shape)))],
  },
};

for (const threads of [1, 2]) {
  for (const [name, { load, calls }] of Object.entries(LOADERS)) {
    test(`${name}: results are the same with and without warm-up (${threads} thread(s))`, { timeout: 120_000 }, async () => {
      const garden = await createGarden({ threads });
      const resultsOf = async (warmup) => {
        const runner = await load(garden, warmup);
        try {
          return await calls(runner);
        } finally {
          runner.dispose();
        }
      };
      try {
        const expected = await resultsOf(false);
        assert.deepEqual(await resultsOf(true), expected);
        // The calls found something, so equal results say something.
        if (name === 'loadTextDetector') assert.equal(expected[0].length, 7, 'the 7 lines of page.png');
        if (name === 'loadSegmenter') assert.ok(expected[0].segmentationMap.length > 0);
      } finally {
        garden.dispose();
      }
    });
  }
}

test('warm-up runs the model at load: its profile has times before the first call', { timeout: 60_000 }, async () => {
  const garden = await createGarden({ threads: 1 });
  const warm = await garden.loadModel(selfieUrl, { profile: true });
  const cold = await garden.loadModel(selfieUrl, { profile: true, warmup: false });
  try {
    const total = (entries) => entries.reduce((sum, entry) => sum + entry.milliseconds, 0);
    assert.ok(total(await warm.profile()) > 0, 'a warmed-up model has run');
    assert.equal(total(await cold.profile()), 0, 'a model loaded with warmup: false has not');
  } finally {
    warm.dispose();
    cold.dispose();
    garden.dispose();
  }
});

test('warmup must be true or false', async () => {
  const garden = await createGarden({ threads: 1 });
  try {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'selfie_tflite/model.tflite'));
    const code = async (promise) => (await rejection(promise)).code;
    assert.equal(await code(garden.loadModel(bytes, { warmup: 'yes' })), 'INVALID_ARGUMENT');
    assert.equal(await code(garden.loadSegmenter({ base: 'selfie', model: bytes, warmup: 1 })), 'INVALID_ARGUMENT');
    assert.equal(await code(garden.loadClassifier({ model: 'nsfwjs', modelUrl: nsfwjsUrl, warmup: null })), 'INVALID_ARGUMENT');
    assert.equal(await code(garden.loadTextDetector({ model: 'ppocr', warmup: 'false' })), 'INVALID_ARGUMENT');
  } finally {
    garden.dispose();
  }
});

// The stopping rule, on run times like those measured in Node at 2 threads.
test('warm-up stops at the budget, at 8 runs, or once two long runs agree', async () => {
  const { warmupDone } = await import(pathToFileURL(path.join(PACKAGE, 'runtime.mjs')).href);
  assert.equal(warmupDone([159], 159), false, 'one run is never settled');
  assert.equal(warmupDone([159, 143], 302), true, 'DeepLab: a second long run as fast as the first');
  assert.equal(warmupDone([98, 59], 157), false, 'a long run 1.66x faster than the one before is still warming');
  assert.equal(warmupDone([98, 59, 54], 211), true);
  assert.equal(warmupDone([47, 24, 20], 91), false, 'short runs can agree in baseline code');
  assert.equal(warmupDone([11, 10, 10, 10, 10, 10, 10], 71), false);
  assert.equal(warmupDone([11, 10, 10, 10, 10, 10, 10, 10], 81), true, 'at most 8 runs');
  assert.equal(warmupDone([5000], 5000), true, 'a run longer than the budget is the only one');
  assert.equal(warmupDone([400, 100], 500), false);
  assert.equal(warmupDone([400, 100, 300], 800), true, 'the budget');
});
