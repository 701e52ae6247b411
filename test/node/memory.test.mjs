// Memory stays flat over many consecutive calls of each runner: the wasm heap
// does not grow and the JS heap (after forced GC, in a child process run with
// --expose-gc) stays within a small bound.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { FIXTURES, PACKAGE } from './helpers.mjs';

const ITERATIONS = 1000;
// GC'd JS heap growth allowed over the whole run: far below what keeping one
// result per call (a 256x256 segmentation map is 256 KB, an image copy 27 KB
// or more) would leak.
const JS_HEAP_BOUND_BYTES = 1 << 20;

const CHILDREN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'children');
const PACKAGE_URL = pathToFileURL(path.join(PACKAGE, 'garden.mjs')).href;

/** Runs a child loop under --expose-gc; resolves to its JSON report. */
async function runChild(script, args) {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', path.join(CHILDREN, script), PACKAGE_URL, ...args],
    { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

function assertFlat(name, { before, after, milliseconds }) {
  assert.equal(after.wasm, before.wasm, 'the wasm heap did not grow');
  assert.ok(after.js - before.js < JS_HEAP_BOUND_BYTES, `JS heap grew by ${after.js - before.js} bytes`);
  console.log(`# ${ITERATIONS} ${name} calls in ${Math.round(milliseconds)} ms; wasm heap ${after.wasm}; JS heap ${before.js} -> ${after.js}`);
}

test(`${ITERATIONS} consecutive detect() calls keep both heaps flat`, { timeout: 300_000 }, async () => {
  const report = await runChild('memory_loop.mjs', [path.join(FIXTURES, 'ppocrv4_det/model.onnx'), String(ITERATIONS)]);
  assert.ok(report.boxes > 0, 'the synthetic page has text-like stripes: boxes are found');
  assertFlat('detect()', report);
});

test(`${ITERATIONS} consecutive classify() calls (nsfwjs) keep both heaps flat`, { timeout: 600_000 }, async () => {
  const model = pathToFileURL(path.join(FIXTURES, 'nsfwjs_mobilenet_v2/model.json')).href;
  const report = await runChild('task_memory_loop.mjs', ['classify', model, String(ITERATIONS)]);
  assert.equal(report.outputs, 3 * ITERATIONS, 'every call gave its top 3 classes');
  assertFlat('classify()', report);
});

test(`${ITERATIONS} consecutive segment() calls (selfie) keep both heaps flat`, { timeout: 600_000 }, async () => {
  const model = pathToFileURL(path.join(FIXTURES, 'selfie_tflite/model.tflite')).href;
  const report = await runChild('task_memory_loop.mjs', ['segment', model, String(ITERATIONS)]);
  assert.equal(report.outputs, 256 * 256 * 4 * ITERATIONS, 'every call gave a 256x256 RGBA map');
  assertFlat('segment()', report);
});
