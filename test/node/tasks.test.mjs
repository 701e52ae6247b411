// The task API (text detection, classification) under Node, on real models
// and a real scanned page; errors are typed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';

import { FIXTURES, importPackage, readPage, rejection } from './helpers.mjs';

const { createGarden, GardenError } = await importPackage();
const page = readPage();

// The scanned page holds a title, five lines of text and a line of code.
function assertSevenLines(boxes, image) {
  assert.equal(boxes.length, 7);
  for (const box of boxes) {
    assert.equal(box.length, 4);
    // Each box carries its region's mean text probability, above the
    // detector's box threshold (0.6) on a clean print.
    assert.ok(box.score > 0.6 && box.score <= 1, `score ${box.score}`);
    for (const { x, y } of box) {
      assert.ok(x >= 0 && x <= image.width - 1 && y >= 0 && y <= image.height - 1, `(${x}, ${y}) outside the image`);
    }
    const width = Math.hypot(box[1].x - box[0].x, box[1].y - box[0].y);
    const height = Math.hypot(box[3].x - box[0].x, box[3].y - box[0].y);
    assert.ok(width > 2 * height, 'printed lines are wide and short');
  }
  // Lines are found top to bottom without two boxes on the same line.
  const centers = boxes.map((box) => box.reduce((sum, p) => sum + p.y, 0) / 4).sort((a, b) => a - b);
  for (let i = 1; i < centers.length; ++i) assert.ok(centers[i] - centers[i - 1] > 5);
}

for (const threads of [1, 2]) {
  test(`the shipped PP-OCR detector finds the 7 lines of a scanned page (${threads} thread(s))`, async () => {
    const garden = await createGarden({ threads });
    const detector = await garden.loadTextDetector({ model: 'ppocr' });
    try {
      const boxes = await detector.detect(page);
      assertSevenLines(boxes, page);
      // Same frame, same boxes; Uint8ClampedArray input (ImageData's) is the same image.
      const clamped = { ...page, data: new Uint8ClampedArray(page.data) };
      assert.deepEqual(await detector.detect(clamped), boxes);
    } finally {
      detector.dispose();
      garden.dispose();
    }
  });
}

test('text detection: images and options are checked', async () => {
  const garden = await createGarden({ threads: 1 });
  const detector = await garden.loadTextDetector({ model: 'ppocr', inputSize: 64 });
  try {
    const code = async (promise) => (await rejection(promise)).code;
    assert.equal(await code(detector.detect({ data: new Uint8Array(0), width: 0, height: 0 })), 'INVALID_ARGUMENT');
    assert.equal(await code(detector.detect({ data: new Uint8Array(12), width: 2, height: 2 })), 'INVALID_ARGUMENT');
    assert.equal(await code(detector.detect('page.png')), 'INVALID_ARGUMENT');
    assert.equal(await code(detector.detect(page, { minTextConfidence: 2 })), 'INVALID_ARGUMENT');
    assert.equal(await code(detector.detect(page, { processPoints: 'circle' })), 'INVALID_ARGUMENT');
    assert.equal(await code(detector.detect(page, { minTextBoxAera: 1 })), 'INVALID_ARGUMENT');
    assert.equal(await code(garden.loadTextDetector({ model: 'east' })), 'INVALID_ARGUMENT');
    assert.equal(await code(garden.loadTextDetector({ model: 'ppocr', inputSize: 33 })), 'INVALID_ARGUMENT');
    // A huge minimum area removes every box; the detector still works afterwards.
    assert.deepEqual(await detector.detect(page, { minTextBoxArea: 1e8 }), []);
    assert.ok(Array.isArray(await detector.detect(page)));
  } finally {
    detector.dispose();
    garden.dispose();
  }
});

test('model URLs: progress, and NETWORK errors for unreachable ones', async () => {
  const onnx = fs.readFileSync(path.join(FIXTURES, 'ppocrv4_det/model.onnx'));
  const server = http.createServer((request, response) => {
    if (request.url === '/ppocr.onnx') {
      response.writeHead(200, { 'content-length': onnx.length });
      response.end(onnx);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const garden = await createGarden({ threads: 1 });
  try {
    const progress = [];
    const detector = await garden.loadTextDetector({ modelUrl: `${base}/ppocr.onnx`, inputSize: 640, onProgress: (p) => progress.push(p) });
    assert.ok(progress.length >= 2);
    assert.deepEqual(progress.at(-1), { loaded: onnx.length, total: onnx.length });
    for (let i = 1; i < progress.length; ++i) assert.ok(progress[i].loaded >= progress[i - 1].loaded);
    assertSevenLines(await detector.detect(page), page);
    detector.dispose();

    const missing = await rejection(garden.loadTextDetector({ modelUrl: `${base}/missing.onnx` }));
    assert.ok(missing instanceof GardenError);
    assert.equal(missing.code, 'NETWORK');
    // Nothing listens on port 9 (discard) here: the connection is refused.
    assert.equal((await rejection(garden.loadModel('http://127.0.0.1:9/model.onnx'))).code, 'NETWORK');
    // An official artifact needs the network: offline it is a NETWORK error, not a hang.
    const offline = await rejection(garden.loadClassifier({ model: 'efficientnet-lite0' }));
    assert.ok(['NETWORK', 'UNSUPPORTED_MODEL'].includes(offline.code), offline.code);
  } finally {
    garden.dispose();
    server.close();
  }
});

test('classification: EfficientNet-B0 through the task API', async (t) => {
  const garden = await createGarden({ threads: 2 });
  try {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'efficientnet_b0/model.onnx'));
    const classifier = await garden.loadClassifier({ model: bytes, preset: 'efficientnet-b0' });
    const top5 = await classifier.classify(page, 5);
    assert.equal(top5.length, 5);
    for (let i = 0; i < 5; ++i) {
      assert.equal(typeof top5[i].className, 'string');
      assert.ok(top5[i].probability > 0 && top5[i].probability <= 1);
      if (i > 0) assert.ok(top5[i].probability <= top5[i - 1].probability);
    }
    // Seeded random weights: the classes mean nothing, but they are stable.
    assert.deepEqual(await classifier.classify(page, 5), top5);
    assert.equal((await rejection(classifier.classify(page, 0))).code, 'INVALID_ARGUMENT');
    assert.equal((await rejection(classifier.classify(page, 1001))).code, 'INVALID_ARGUMENT');
    classifier.dispose();
    assert.equal((await rejection(classifier.classify(page, 1))).code, 'DISPOSED');
    assert.equal((await rejection(garden.loadClassifier({ model: bytes, preset: 'resnet' }))).code, 'INVALID_ARGUMENT');
  } finally {
    garden.dispose();
  }
});

test('the single-thread build finds the same lines', async () => {
  const garden = await createGarden({ build: 'simd' });
  try {
    assert.equal(garden.build, 'simd');
    assert.equal(garden.threads, 1);
    const detector = await garden.loadTextDetector();
    assertSevenLines(await detector.detect(page), page);
    detector.dispose();
  } finally {
    garden.dispose();
  }
});

test('segmentation: DeepLab v3 (MobileNetV2 0.5) through the task API', { timeout: 120_000 }, async () => {
  const garden = await createGarden({ threads: 2 });
  try {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'deeplabv3_mnv2_050/model.onnx'));
    const segmenter = await garden.loadSegmenter({ base: 'pascal', model: bytes });
    const { legend, segmentationMap, width, height } = await segmenter.segment(page);
    assert.ok(width > 0 && height > 0);
    assert.ok(segmentationMap instanceof Uint8ClampedArray);
    assert.equal(segmentationMap.length, width * height * 4);
    // Every pixel has a legend colour and alpha 255; every legend entry is used.
    const colors = new Map(Object.entries(legend).map(([name, rgb]) => [rgb.join(','), name]));
    assert.ok(colors.size >= 1);
    const seen = new Set();
    for (let i = 0; i < width * height; ++i) {
      const key = `${segmentationMap[4 * i]},${segmentationMap[4 * i + 1]},${segmentationMap[4 * i + 2]}`;
      assert.ok(colors.has(key), `pixel ${i} has colour ${key}, not in the legend`);
      assert.equal(segmentationMap[4 * i + 3], 255);
      seen.add(key);
    }
    assert.equal(seen.size, colors.size);
    // The result is a copy: the next frame does not change it.
    const copy = segmentationMap.slice();
    await segmenter.segment({ data: new Uint8Array(64 * 64 * 4), width: 64, height: 64 });
    assert.deepEqual(segmentationMap, copy);
    segmenter.dispose();
    assert.equal((await rejection(garden.loadSegmenter({ base: 'coco', model: bytes }))).code, 'INVALID_ARGUMENT');
    assert.equal((await rejection(garden.loadSegmenter({ model: bytes, quantizationBytes: 3 }))).code, 'INVALID_ARGUMENT');
  } finally {
    garden.dispose();
  }
});
