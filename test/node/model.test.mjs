// Node smoke test of the package's low-level model API.
//
//   node --test test/node/
//
// Needs the wasm build (scripts/build wasm, or GARDEN_WASM_PACKAGE=<package dir>)
// and the fixtures (scripts/make-fixtures).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGE = process.env.GARDEN_WASM_PACKAGE ?? path.join(ROOT, 'build/wasm/wasm/package');
const FIXTURE = path.join(ROOT, 'build/fixtures/efficientnet_b0');
// EfficientNet-B0 logits against PyTorch: fp32 with different summation orders.
const RELATIVE_TOLERANCE = 1e-4;

const { createGarden, GardenError } = await import(pathToFileURL(path.join(PACKAGE, 'garden.mjs')));

function readFloats(file) {
  const bytes = fs.readFileSync(file);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function relativeMaxDiff(actual, expected) {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; ++i) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

for (const threads of [1, 2]) {
  test(`EfficientNet-B0 matches PyTorch with ${threads} thread(s)`, async () => {
    const garden = await createGarden({ threads });
    const model = await garden.loadModel(fs.readFileSync(path.join(FIXTURE, 'model.onnx')));
    try {
      assert.deepEqual(model.inputs(), [{ name: 'input', shape: [1, 3, 224, 224], layout: 'NCHW' }]);
      assert.deepEqual(model.outputs().map((o) => o.shape), [[1, 1000]]);
      assert.equal(model.threads, threads);
      model.inputView(0).set(readFloats(path.join(FIXTURE, 'input.bin')));
      model.run();
      const expected = readFloats(path.join(FIXTURE, 'expected_0.bin'));
      assert.ok(relativeMaxDiff(model.outputView(0), expected) <= RELATIVE_TOLERANCE);
      // A second run on the same input gives the same answer (no state kept between runs).
      const first = model.outputView(0).slice();
      model.run();
      assert.deepEqual(model.outputView(0), first);
    } finally {
      model.dispose();
      garden.dispose();
    }
  });
}

test('bad input gives typed errors, never an abort', async () => {
  const garden = await createGarden({ threads: 1 });
  try {
    const notAModel = await rejection(garden.loadModel(new Uint8Array([1, 2, 3, 4])));
    assert.ok(notAModel instanceof GardenError);
    assert.equal(notAModel.code, 'INVALID_MODEL');

    const onnx = fs.readFileSync(path.join(FIXTURE, 'model.onnx'));
    const truncated = await rejection(garden.loadModel(onnx.subarray(0, onnx.length >> 1)));
    assert.equal(truncated.code, 'INVALID_MODEL');

    assert.equal((await rejection(garden.loadModel('model.onnx'))).code, 'INVALID_ARGUMENT');
    assert.equal((await rejection(garden.loadModel(onnx, { threads: 2 }))).code, 'INVALID_ARGUMENT');
    assert.equal((await rejection(garden.loadModel(onnx, { inputHeight: 224 }))).code, 'INVALID_ARGUMENT');

    const model = await garden.loadModel(onnx);
    assert.throws(() => model.inputView(1), (error) => error instanceof GardenError && error.code === 'INVALID_ARGUMENT');
    model.dispose();
    assert.throws(() => model.run(), (error) => error.code === 'INVALID_ARGUMENT');

    // The module still works after all of the above.
    const again = await garden.loadModel(onnx);
    again.run();
    again.dispose();
  } finally {
    garden.dispose();
  }
});

test('createGarden refuses a bad thread count', async () => {
  const error = await rejection(createGarden({ threads: 0 }));
  assert.equal(error.code, 'INVALID_ARGUMENT');
});
