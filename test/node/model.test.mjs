// The package's low-level model API under Node: numbers against PyTorch, and
// typed errors for bad input.
//
//   node --test test/node/
//
// Needs the wasm build (scripts/build wasm, or GARDEN_WASM_PACKAGE=<package dir>)
// and the fixtures (scripts/make-fixtures).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { FIXTURES, importPackage, rejection } from './helpers.mjs';

const FIXTURE = path.join(FIXTURES, 'efficientnet_b0');
// EfficientNet-B0 logits against PyTorch: fp32 with different summation orders.
const RELATIVE_TOLERANCE = 1e-4;

const { createGarden, GardenError } = await importPackage();

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

for (const threads of [1, 2]) {
  test(`EfficientNet-B0 matches PyTorch with ${threads} thread(s)`, async () => {
    const garden = await createGarden({ threads });
    const model = await garden.loadModel(fs.readFileSync(path.join(FIXTURE, 'model.onnx')));
    try {
      assert.equal(garden.threads, threads);
      assert.equal(garden.build, 'simd-threads');
      assert.deepEqual(model.inputs, [{ name: 'input', shape: [1, 3, 224, 224], layout: 'NCHW', dtype: 'float32' }]);
      assert.deepEqual(model.outputs.map((o) => o.shape), [[1, 1000]]);
      const input = readFloats(path.join(FIXTURE, 'input.bin'));
      const [logits] = await model.run([input]);
      const expected = readFloats(path.join(FIXTURE, 'expected_0.bin'));
      assert.ok(relativeMaxDiff(logits, expected) <= RELATIVE_TOLERANCE);
      // A second run gives the same answer (no state kept between runs), and
      // the first result is a copy the second run did not overwrite.
      const [again] = await model.run([input]);
      assert.deepEqual(again, logits);
    } finally {
      model.dispose();
      garden.dispose();
    }
  });
}

test('loadModel takes its model as the other loaders do, { model } or { modelUrl }, or first', async () => {
  const garden = await createGarden({ threads: 1 });
  const file = path.join(FIXTURE, 'model.onnx');
  const onnx = fs.readFileSync(file);
  const input = readFloats(path.join(FIXTURE, 'input.bin'));
  const forms = {
    'loadModel(bytes)': () => garden.loadModel(onnx, { warmup: false }),
    'loadModel({ model: bytes })': () => garden.loadModel({ model: onnx, warmup: false }),
    'loadModel({ model: ArrayBuffer })': () => garden.loadModel({ model: onnx.buffer.slice(onnx.byteOffset, onnx.byteOffset + onnx.length), warmup: false }),
    'loadModel({ modelUrl })': () => garden.loadModel({ modelUrl: pathToFileURL(file), warmup: false }),
  };
  try {
    let first;
    for (const [form, load] of Object.entries(forms)) {
      const model = await load();
      const [logits] = await model.run([input]);
      model.dispose();
      if (first) assert.deepEqual(logits, first, form);
      else first = logits;
    }
    const code = async (promise) => (await rejection(promise)).code;
    assert.equal(await code(garden.loadModel({})), 'INVALID_ARGUMENT', 'neither model nor modelUrl');
    assert.equal(await code(garden.loadModel({ model: onnx, modelUrl: pathToFileURL(file) })), 'INVALID_ARGUMENT', 'both');
    assert.equal(await code(garden.loadModel({ model: 'efficientnet' })), 'INVALID_ARGUMENT', 'a name as model');
    assert.equal(await code(garden.loadModel({ model: onnx }, { warmup: false })), 'INVALID_ARGUMENT', 'options twice');
    assert.equal(await code(garden.loadModel({ model: onnx, inputHieght: 224 })), 'INVALID_ARGUMENT', 'a typo');
    assert.equal(await code(garden.loadModel({ modelUrl: 'file:///nonexistent/model.onnx' })), 'IO');
  } finally {
    garden.dispose();
  }
});

test('bad models and options give typed errors, never an abort', async () => {
  const garden = await createGarden({ threads: 1 });
  try {
    const notAModel = await rejection(garden.loadModel(new Uint8Array([1, 2, 3, 4])));
    assert.ok(notAModel instanceof GardenError);
    assert.equal(notAModel.code, 'INVALID_MODEL');

    const onnx = fs.readFileSync(path.join(FIXTURE, 'model.onnx'));
    const truncated = await rejection(garden.loadModel(onnx.subarray(0, onnx.length >> 1)));
    assert.equal(truncated.code, 'INVALID_MODEL');

    assert.equal((await rejection(garden.loadModel(new URL('file:///nonexistent/model.onnx')))).code, 'IO');
    assert.equal((await rejection(garden.loadModel(12))).code, 'INVALID_ARGUMENT');
    assert.equal((await rejection(garden.loadModel(onnx, { threads: 2 }))).code, 'INVALID_ARGUMENT');
    assert.equal((await rejection(garden.loadModel(onnx, { inputHeight: 224 }))).code, 'INVALID_ARGUMENT');
    assert.equal((await rejection(garden.loadModel(onnx, { inputHieght: 224 }))).code, 'INVALID_ARGUMENT');

    const model = await garden.loadModel(onnx);
    assert.equal((await rejection(model.run([new Float32Array(3)]))).code, 'INVALID_ARGUMENT');
    assert.equal((await rejection(model.run([]))).code, 'INVALID_ARGUMENT');
    model.dispose();
    assert.equal((await rejection(model.run([new Float32Array(3 * 224 * 224)]))).code, 'DISPOSED');

    // The module still works after all of the above.
    const again = await garden.loadModel(onnx);
    const [logits] = await again.run([new Float32Array(3 * 224 * 224)]);
    assert.equal(logits.length, 1000);
    assert.ok(logits.every(Number.isFinite));
    again.dispose();
  } finally {
    garden.dispose();
  }
  assert.equal((await rejection(garden.loadModel(new Uint8Array(8)))).code, 'DISPOSED');
});

test('createGarden refuses bad options', async () => {
  assert.equal((await rejection(createGarden({ threads: 0 }))).code, 'INVALID_ARGUMENT');
  assert.equal((await rejection(createGarden({ threads: 1.5 }))).code, 'INVALID_ARGUMENT');
  assert.equal((await rejection(createGarden({ thread: 2 }))).code, 'INVALID_ARGUMENT');
});

// A TF.js graph model by URL: model.json, then the weight files it names,
// fetched beside it and handed to the runtime as one buffer.
test('a TF.js model.json by URL loads with its weight files (nsfwjs, uint8 weights)', async () => {
  const folder = path.join(FIXTURES, 'nsfwjs_mobilenet_v2');
  const garden = await createGarden({ threads: 1 });
  try {
    const progress = [];
    const model = await garden.loadModel(pathToFileURL(path.join(folder, 'model.json')), {
      onProgress: (p) => progress.push(p),
    });
    const [probabilities] = await model.run([readFloats(path.join(folder, 'input.bin'))]);
    const expected = readFloats(path.join(folder, 'expected_0.bin'));
    assert.equal(probabilities.length, expected.length);
    // TF.js (tfjs-backend-cpu) on the same uint8 model.json and photo; the bound.
    const maxDiff = Math.max(...expected.map((value, i) => Math.abs(probabilities[i] - value)));
    assert.ok(maxDiff <= 1e-3, `max |diff| ${maxDiff} against TF.js`);
    const last = progress.at(-1);
    assert.ok(last && last.loaded === last.total && last.loaded > fs.statSync(path.join(folder, 'model.json')).size);
    model.dispose();
    // The weight files are required.
    const { code } = await rejection(garden.loadModel(new TextEncoder().encode(fs.readFileSync(path.join(folder, 'model.json'), 'utf8'))));
    assert.equal(code, 'INVALID_ARGUMENT');
  } finally {
    garden.dispose();
  }
});

// A TF.js detector whose non-maximum suppression is a while loop: the loop is
// cut out, the model returns the boxes and scores it would have read, and
// says so in `notes`; the values are TF.js's at that point (make-fixtures
// records them), within the conformance suite's 1e-4.
test('a TF.js model with a while loop returns the tensors before it, and says so (faceboxes)', async () => {
  const folder = path.join(FIXTURES, 'tfjs_npm', 'faceboxes');
  const meta = JSON.parse(fs.readFileSync(path.join(folder, 'meta.json'), 'utf8'));
  const garden = await createGarden({ threads: 2 });
  try {
    const model = await garden.loadModel(pathToFileURL(path.join(folder, 'faceboxes.json')), { inputHeight: 256, inputWidth: 256 });
    assert.match(model.notes, /while loop .* is cut out/);
    assert.deepEqual(model.outputs.map((o) => o.name), ['postprocessing/clip_by_value_1', 'postprocessing/strided_slice_2']);
    const results = await model.run([readFloats(path.join(folder, 'input_0.bin'))]);
    model.outputs.forEach((output, i) => {
      const k = meta.cut_outputs.findIndex((o) => o.name === output.name);
      const expected = readFloats(path.join(folder, `expected_cut_${k}.bin`));
      assert.equal(results[i].length, expected.length);
      assert.ok(relativeMaxDiff(results[i], expected) <= 1e-4, `${output.name} against TF.js`);
    });
    model.dispose();
    // A model without a loop has nothing to say.
    const plain = await garden.loadModel(fs.readFileSync(path.join(FIXTURE, 'model.onnx')), { warmup: false });
    assert.equal(plain.notes, '');
    plain.dispose();
  } finally {
    garden.dispose();
  }
});

// Outputs a model declares integer or bool come back in that type (the
// runtime computes them in float32, as exact whole numbers).
test('run() returns each output in its declared type', async () => {
  const placeholder = (name) => ({ name, op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '1' }, { size: '4' }] } } } });
  const json = {
    format: 'graph-model',
    modelTopology: { node: [
      placeholder('x'), placeholder('y'),
      { name: 'sum', op: 'AddV2', input: ['x', 'y'], attr: { T: { type: 'DT_FLOAT' } } },
      { name: 'count', op: 'Cast', input: ['sum'], attr: { SrcT: { type: 'DT_FLOAT' }, DstT: { type: 'DT_INT32' } } },
      { name: 'more', op: 'Greater', input: ['x', 'y'], attr: { T: { type: 'DT_FLOAT' } } },
      { name: 'square', op: 'Mul', input: ['sum', 'sum'], attr: { T: { type: 'DT_FLOAT' } } },
    ] },
    weightsManifest: [],
  };
  const garden = await createGarden({ threads: 1 });
  try {
    const model = await garden.loadModel(new TextEncoder().encode(JSON.stringify(json)), { warmup: false });
    assert.deepEqual(model.outputs.map((o) => [o.name, o.dtype]), [['count', 'int32'], ['more', 'bool'], ['square', 'float32']]);
    assert.deepEqual(model.inputs.map((i) => i.dtype), ['float32', 'float32']);
    const [count, more, square] = await model.run([new Float32Array([1.5, -2.25, 3, 0]), new Float32Array([1, -1, -0.5, 0])]);
    assert.ok(count instanceof Int32Array);
    assert.deepEqual([...count], [2, -3, 2, 0]);  // truncation toward zero, as TensorFlow casts
    assert.ok(more instanceof Uint8Array);
    assert.deepEqual([...more], [1, 0, 1, 0]);
    assert.ok(square instanceof Float32Array);
    assert.deepEqual([...square], [6.25, 10.5625, 6.25, 0]);
    model.dispose();
  } finally {
    garden.dispose();
  }
});
