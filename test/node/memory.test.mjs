// Memory stays flat over many consecutive calls: the wasm heap does not grow
// and the JS heap (after forced GC, in a child process run with --expose-gc)
// stays within a small bound.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { FIXTURES, PACKAGE } from './helpers.mjs';

const ITERATIONS = 1000;
// GC'd JS heap growth allowed over the whole run: far below what keeping one
// result array per call (or one image copy per call, 27 KB) would leak.
const JS_HEAP_BOUND_BYTES = 1 << 20;

test(`${ITERATIONS} consecutive detect() calls keep both heaps flat`, { timeout: 300_000 }, async () => {
  const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'children/memory_loop.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--expose-gc', child,
    pathToFileURL(path.join(PACKAGE, 'garden.mjs')).href,
    path.join(FIXTURES, 'ppocrv4_det/model.onnx'),
    String(ITERATIONS),
  ], { maxBuffer: 1 << 20 });
  const { before, after, boxes, milliseconds } = JSON.parse(stdout.trim().split('\n').at(-1));
  assert.ok(boxes > 0, 'the synthetic page has text-like stripes: boxes are found');
  assert.equal(after.wasm, before.wasm, 'the wasm heap did not grow');
  assert.ok(after.js - before.js < JS_HEAP_BOUND_BYTES, `JS heap grew by ${after.js - before.js} bytes`);
  console.log(`# ${ITERATIONS} detect() calls in ${Math.round(milliseconds)} ms; JS heap ${before.js} -> ${after.js}`);
});
