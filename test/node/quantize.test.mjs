// The loaders' quantize: 'int8' (the model's convolutions and fully
// connected layers quantized per channel at load and run in int8), against
// the same models in f32: what users see must not change. nsfwjs ranks
// chelsea.png's classes alike; the selfie segmenter's person mask on
// skimage's astronaut.png overlaps f32's by 98 % or more; the text reader
// reads the printed paragraph as f32 does (at most 2 % character errors,
// f32 reads it without one); a model given as bytes stays close to f32.
// A .garden file converted with garden-convert --quantize int8 runs the
// same as the model quantized at load.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import {
  FIXTURES, GARDEN_CONVERT, characterErrorRate, importPackage, readChelsea, readParagraph, readSkimagePhoto, rejection, transcription,
} from './helpers.mjs';

const { createGarden } = await importPackage();

test('nsfwjs in int8 ranks chelsea.png as in f32', { timeout: 120_000 }, async () => {
  const garden = await createGarden({ threads: 2 });
  try {
    const photo = readChelsea();
    const f32 = await (await garden.loadClassifier({ model: 'nsfwjs' })).classify(photo, 5);
    const int8 = await (await garden.loadClassifier({ model: 'nsfwjs', quantize: 'int8' })).classify(photo, 5);
    assert.deepEqual(int8.map(({ className }) => className), f32.map(({ className }) => className));
    // Measured: Drawing 0.732 in f32, 0.798 in int8 (Neutral 0.254, 0.190).
    for (let i = 0; i < 5; ++i) assert.ok(Math.abs(int8[i].probability - f32[i].probability) < 0.1, `${f32[i].className}`);
  } finally {
    garden.dispose();
  }
});

test('the selfie segmenter in int8 masks the astronaut as in f32 (IoU >= 0.98)', { timeout: 120_000 }, async () => {
  const garden = await createGarden({ threads: 2 });
  try {
    const photo = readSkimagePhoto('astronaut.png');
    const masks = [];
    for (const quantize of [undefined, 'int8']) {
      const segmenter = await garden.loadSegmenter({ model: 'selfie', quantize });
      const { classIds } = await segmenter.segment(photo);
      masks.push(classIds.map((id) => (segmenter.labels[id] === 'person' ? 1 : 0)));
    }
    let both = 0, either = 0;
    for (let i = 0; i < masks[0].length; ++i) {
      both += masks[0][i] & masks[1][i];
      either += masks[0][i] | masks[1][i];
    }
    assert.ok(either > masks[0].length / 10, 'the astronaut is found');
    assert.ok(both / either >= 0.98, `IoU ${both / either}`);
  } finally {
    garden.dispose();
  }
});

test('the text reader in int8 reads the printed paragraph', { timeout: 180_000 }, async () => {
  const garden = await createGarden({ threads: 2 });
  try {
    const reader = await garden.loadTextReader({ quantize: 'int8' });
    const lines = await reader.read(readParagraph());
    const rate = characterErrorRate(lines.map(({ text }) => text), transcription('imageTextN.txt'));
    assert.ok(rate <= 0.02, `character error rate ${rate}`);
  } finally {
    garden.dispose();
  }
});

test('a model in int8, quantized at load or converted ahead, stays close to f32', { timeout: 180_000 }, async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'garden-int8-'));
  const garden = await createGarden({ threads: 2 });
  try {
    const onnx = fs.readFileSync(path.join(FIXTURES, 'efficientnet_b0/model.onnx'));
    const inputBytes = fs.readFileSync(path.join(FIXTURES, 'efficientnet_b0/input.bin'));
    const input = new Float32Array(inputBytes.buffer.slice(inputBytes.byteOffset, inputBytes.byteOffset + inputBytes.length));
    const converted = path.join(folder, 'b0_int8.garden');
    execFileSync(GARDEN_CONVERT, [path.join(FIXTURES, 'efficientnet_b0/model.onnx'), converted, '--quantize', 'int8']);
    assert.ok(fs.statSync(converted).size < onnx.length / 3, 'a third of the size or less');

    const [f32] = await (await garden.loadModel(onnx)).run([input]);
    const [atLoad] = await (await garden.loadModel(onnx, { quantize: 'int8' })).run([input]);
    const [ahead] = await (await garden.loadModel(fs.readFileSync(converted))).run([input]);
    assert.deepEqual(ahead, atLoad, 'the same int8 model either way');
    let signal = 0, noise = 0;
    for (let i = 0; i < f32.length; ++i) {
      signal += f32[i] ** 2;
      noise += (atLoad[i] - f32[i]) ** 2;
    }
    // 36 dB natively (test/format/quantized_models_test.cpp); the same kernels' arithmetic here.
    assert.ok(10 * Math.log10(signal / noise) >= 30, `SNR ${10 * Math.log10(signal / noise)} dB`);
  } finally {
    garden.dispose();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('quantize takes int8 only, checked before anything is fetched', async () => {
  const fetched = [];
  const garden = await createGarden({ threads: 1, fetch: async (url) => { fetched.push(String(url)); throw new Error('offline'); } });
  try {
    for (const load of [
      () => garden.loadClassifier({ modelUrl: 'https://example.com/m.onnx', quantize: 'fp16' }),
      () => garden.loadSegmenter({ quantize: true }),
      () => garden.loadTextDetector({ quantize: 'int4' }),
      () => garden.loadTextReader({ quantize: 8 }),
      () => garden.loadModel({ modelUrl: 'https://example.com/m.onnx', quantize: 'INT8' }),
    ]) {
      const error = await rejection(load());
      assert.equal(error.code, 'INVALID_ARGUMENT');
      assert.match(error.message, /quantize/);
    }
    assert.deepEqual(fetched, []);
  } finally {
    garden.dispose();
  }
});
