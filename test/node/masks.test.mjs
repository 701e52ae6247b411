// Masks users can composite: segment()'s class ids and confidences agree with
// its colour map pixel for pixel, at the model's resolution and the image's,
// for a class-score model (DeepLab v3, 21 Pascal classes) and a soft person
// mask (MediaPipe's selfie model); toBinaryMask turns them into pixels.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { FIXTURES, importPackage, readChelsea, rejection } from './helpers.mjs';

const { createGarden, toBinaryMask } = await importPackage();
const photo = readChelsea();

/** Every pixel's colour is its class's colour in the segmenter's colormap, as the legend shows it. */
function assertIdsMatchColours(result, labels) {
  const { classIds, segmentationMap, legend, width, height } = result;
  assert.ok(classIds instanceof Uint8Array);
  assert.equal(classIds.length, width * height);
  const present = new Set(classIds);
  assert.deepEqual(Object.keys(legend).sort(), [...present].map((id) => labels[id]).sort(), 'the legend names the ids present');
  for (let i = 0; i < classIds.length; ++i) {
    const color = legend[labels[classIds[i]]];
    for (let c = 0; c < 3; ++c) {
      if (segmentationMap[4 * i + c] !== color[c]) assert.fail(`pixel ${i}: class ${classIds[i]} but colour ${segmentationMap.slice(4 * i, 4 * i + 3)}`);
    }
  }
}

test('DeepLab: class ids match the colour map; confidence is each class\'s probability, on request', { timeout: 120_000 }, async () => {
  const garden = await createGarden({ threads: 2 });
  try {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'deeplabv3_mnv2_050/model.onnx'));
    const segmenter = await garden.loadSegmenter({ base: 'pascal', model: bytes });
    assert.equal(segmenter.labels.length, 21);
    assert.equal(segmenter.labels[15], 'person');
    const plain = await segmenter.segment(photo);
    assert.equal(plain.confidence, undefined, 'not asked for');
    assertIdsMatchColours(plain, segmenter.labels);

    const sure = await segmenter.segment(photo, { confidence: true });
    assert.deepEqual(sure.classIds, plain.classIds);
    assert.equal(sure.confidence.length, plain.classIds.length);
    // A winning class has at least 1/21 of the probability, and at most all of it.
    for (const p of sure.confidence) assert.ok(p >= 1 / 21 - 1e-6 && p <= 1 + 1e-6, `confidence ${p}`);

    const big = await segmenter.segment(photo, { confidence: true, resolution: 'image' });
    assert.equal(big.width, photo.width);
    assert.equal(big.height, photo.height);
    assertIdsMatchColours(big, segmenter.labels);
    // Nearest sampling: every confidence at image size is one at model size.
    const values = new Set(sure.confidence);
    assert.ok(big.confidence.every((p) => values.has(p)));

    for (const options of [{ confidence: 'yes' }, { resolution: 'screen' }, { colour: true }]) {
      assert.equal((await rejection(segmenter.segment(photo, options))).code, 'INVALID_ARGUMENT', JSON.stringify(options));
    }
    segmenter.dispose();
  } finally {
    garden.dispose();
  }
});

test('selfie by name: confidence is the person probability, and the ids are it thresholded at 0.5', { timeout: 120_000 }, async () => {
  const garden = await createGarden({ threads: 1 });
  try {
    const segmenter = await garden.loadSegmenter({ model: 'selfie' });
    assert.deepEqual(segmenter.labels, ['background', 'person']);
    const result = await segmenter.segment(photo, { confidence: true });
    assertIdsMatchColours(result, segmenter.labels);
    for (let i = 0; i < result.classIds.length; ++i) {
      assert.equal(result.classIds[i], result.confidence[i] > 0.5 ? 1 : 0, `pixel ${i}: ${result.confidence[i]}`);
    }

    // toBinaryMask: the person opaque white, the rest transparent, by name or id; minConfidence narrows it.
    const white = { r: 255, g: 255, b: 255, a: 255 }, clear = { r: 0, g: 0, b: 0, a: 0 };
    const byName = toBinaryMask(result, { foreground: white, background: clear, classes: ['person'], labels: segmenter.labels });
    const byDefault = toBinaryMask(result, { foreground: white, background: clear });
    assert.deepEqual(byName, byDefault, 'the default foreground is every class but 0');
    assert.equal(byName.width, result.width);
    for (let i = 0; i < result.classIds.length; ++i) assert.equal(byName.data[4 * i + 3], result.classIds[i] === 1 ? 255 : 0);
    const strict = toBinaryMask(result, { foreground: white, background: clear, minConfidence: 0.9 });
    for (let i = 0; i < result.classIds.length; ++i) {
      assert.equal(strict.data[4 * i + 3], result.classIds[i] === 1 && result.confidence[i] >= 0.9 ? 255 : 0);
    }
    for (const options of [{ classes: ['cat'], labels: segmenter.labels }, { classes: ['person'] }, { classes: [300] },
      { minConfidence: 2 }, { foreground: { r: 300 } }]) {
      assert.throws(() => toBinaryMask(result, options), (error) => error.code === 'INVALID_ARGUMENT', JSON.stringify(options));
    }
    assert.throws(() => toBinaryMask({ width: 2 }), (error) => error.code === 'INVALID_ARGUMENT');
    segmenter.dispose();

    assert.equal((await rejection(garden.loadSegmenter({ model: 'selfie', base: 'pascal' }))).code, 'INVALID_ARGUMENT');
    assert.equal((await rejection(garden.loadSegmenter({ model: 'people' }))).code, 'INVALID_ARGUMENT');
  } finally {
    garden.dispose();
  }
});
