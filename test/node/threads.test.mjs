// Several models alive at once in one threaded garden. Each session used to
// create its own thread pool out of the garden's fixed set of wasm workers:
// the second model's pool found none left and loading hung. Sessions now
// share one pool per thread count (core/src/xnn/shared_threadpool.cpp).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { FIXTURES, importPackage } from './helpers.mjs';

const { createGarden } = await importPackage();
const selfieUrl = pathToFileURL(path.join(FIXTURES, 'selfie_tflite/model.tflite'));

function patterned(shape) {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; ++i) values[i] = Math.sin(i * 0.37) * 0.5 + 0.5;
  return values;
}

test('three models alive at once in a 2-thread garden load, run, and agree with a 1-thread garden',
  { timeout: 120_000 }, async () => {
    const single = await createGarden({ threads: 1 });
    const threaded = await createGarden({ threads: 2 });
    const models = [];
    try {
      const reference = await single.loadModel(selfieUrl, { warmup: false });
      const input = reference.inputs.map((port) => patterned(port.shape));
      const expected = await reference.run(input);
      for (let i = 0; i < 3; ++i) models.push(await threaded.loadModel(selfieUrl, { warmup: false }));
      // Interleaved runs: each model's output is the reference's, to the tolerance
      // of a different thread count (XNNPACK splits the same sums the same way).
      for (let round = 0; round < 2; ++round) {
        for (const model of models) {
          const outputs = await model.run(input);
          assert.equal(outputs.length, expected.length);
          for (let k = 0; k < outputs.length; ++k) {
            const got = outputs[k], want = expected[k];
            assert.equal(got.length, want.length);
            let diff = 0;
            for (let i = 0; i < got.length; ++i) diff = Math.max(diff, Math.abs(got[i] - want[i]));
            assert.ok(diff <= 1e-5, `max |diff| ${diff} > 1e-5`);
          }
        }
      }
      // A model disposed while others live leaves the shared pool to them.
      models.shift().dispose();
      await models[0].run(input);
    } finally {
      for (const model of models) model.dispose();
      single.dispose();
      threaded.dispose();
    }
  });
