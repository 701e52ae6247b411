// Reliability over many frames: each runner (text detection, classification,
// segmentation) runs GARDEN_SOAK_FRAMES consecutive frames (default 300;
// scripts/soak runs 10,000) on small inputs, in wasm under Node. The wasm heap
// at the last frame stays within 1% of its size at frame 100, and the median
// latency of the last 100 frames stays within 1.5x of frames 100-200's: no
// leak, no slowdown.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { FIXTURES, importPackage } from './helpers.mjs';
import { WARM_FRAMES, checkFlat, soakFrame, soakFrames } from './soak_check.mjs';

const FRAMES = soakFrames('GARDEN_SOAK_FRAMES', 300);

const { createGarden } = await importPackage();

// Eight distinct frames, cycled: the runner sees changing content.
const FRAMES_96 = Array.from({ length: 8 }, (_, seed) => soakFrame(96, 72, seed));

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
      const latencies = [];
      let heapAtWarm = 0;
      for (let i = 0; i < FRAMES; ++i) {
        const start = performance.now();
        await step(runner, FRAMES_96[i % FRAMES_96.length]);
        latencies.push(performance.now() - start);
        if (i === WARM_FRAMES - 1) heapAtWarm = await garden.heapBytes();
      }
      checkFlat(name, { latencies, heapAtWarm, heapAtEnd: await garden.heapBytes() });
    } finally {
      runner.dispose();
      garden.dispose();
    }
  });
}
