// The wasm heap: it starts small and grows as models load, with threads
// running in the grown memory; a loaded text detector changes its detect()
// options without being built again.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage, readPage } from './helpers.mjs';

const { createGarden } = await importPackage();
const page = readPage();
const MiB = 1 << 20;

// The floor a garden pays before any model (INITIAL_MEMORY in
// wasm/CMakeLists.txt): MediaPipe's selfie model needs about 16 MB in all,
// so a floor of 32 MiB would double it.
const MAX_INITIAL_HEAP = 16 * MiB;

test('the heap starts small, grows for a model, and threads run in the grown memory', { timeout: 120_000 }, async () => {
  const boxesWith = async (threads) => {
    const garden = await createGarden({ threads });
    try {
      const initial = await garden.heapBytes();
      const detector = await garden.loadTextDetector({ model: 'ppocr' });
      const boxes = await detector.detect(page);
      const grown = await garden.heapBytes();
      detector.dispose();
      return { initial, grown, boxes };
    } finally {
      garden.dispose();
    }
  };
  const one = await boxesWith(1);
  const four = await boxesWith(4);
  console.log(`# heap: ${one.initial} bytes at start; after PP-OCR at 640x640: ${one.grown} (1 thread), ${four.grown} (4 threads)`);
  for (const { initial, grown } of [one, four]) {
    assert.ok(initial <= MAX_INITIAL_HEAP, `the heap starts at ${initial} bytes (bound ${MAX_INITIAL_HEAP})`);
    assert.ok(grown > initial, 'loading the model grew the heap');
  }
  assert.equal(one.boxes.length, 7, 'the 7 lines of page.png');
  // Four threads (three pthreads, their stacks on the grown heap) split the
  // same operators: the same boxes, to a hundredth of a pixel.
  assert.equal(four.boxes.length, one.boxes.length);
  four.boxes.forEach((box, i) => box.forEach((point, k) => {
    assert.ok(Math.abs(point.x - one.boxes[i][k].x) < 0.01 && Math.abs(point.y - one.boxes[i][k].y) < 0.01,
      `box ${i} corner ${k}: (${point.x}, ${point.y}) with 4 threads, (${one.boxes[i][k].x}, ${one.boxes[i][k].y}) with 1`);
  }));
});

// Options change only the post-processing; a detector whose first call
// already had the options (as a freshly built one has) is the reference.
test('text detection: new detect() options act as on a fresh detector, and switching back restores the result', { timeout: 120_000 }, async () => {
  const garden = await createGarden({ threads: 1 });
  const detector = await garden.loadTextDetector({ model: 'ppocr', inputSize: 320 });
  const fresh = await garden.loadTextDetector({ model: 'ppocr', inputSize: 320 });
  try {
    const strict = { minTextConfidence: 0.9, minPixelSalience: 0.5 };
    const defaults = await detector.detect(page);
    const heap = await garden.heapBytes();
    const switched = await detector.detect(page, strict);
    assert.deepEqual(switched, await fresh.detect(page, strict));
    assert.notDeepEqual(switched, defaults, 'the options make a difference on this page');
    assert.deepEqual(await detector.detect(page), defaults);
    // Switching options packs no weights again: the heap stays as it was.
    for (let i = 0; i < 5; ++i) {
      await detector.detect(page, strict);
      await detector.detect(page);
    }
    assert.equal(await garden.heapBytes(), heap);
  } finally {
    detector.dispose();
    fresh.dispose();
    garden.dispose();
  }
});
