// What the soak tests share (test/node/soak.test.mjs in Node,
// test/browser/soak.test.mjs in Chromium): the frames the runners see, and
// the check that the wasm heap and the latency stay flat over them.
import assert from 'node:assert/strict';

export const WARM_FRAMES = 100;       // buffers and caches reach their steady size by then
export const WINDOW = 100;            // frames per latency median
export const MAX_HEAP_GROWTH = 0.01;  // of the heap at frame WARM_FRAMES
export const MAX_SLOWDOWN = 1.5;      // last window's median over frames 100-200's

/** The frame count in environment variable `name` (default `fallback`), checked. */
export function soakFrames(name, fallback) {
  const frames = Number(process.env[name] ?? fallback);
  assert.ok(Number.isInteger(frames) && frames >= WARM_FRAMES + 2 * WINDOW,
    `${name} must be an integer >= ${WARM_FRAMES + 2 * WINDOW}, got ${process.env[name]}`);
  return frames;
}

/**
 * A w x h RGBA frame whose content changes with `seed`: dark text-like stripes
 * and a moving gradient. Self-contained: the Chromium soak sends its source
 * to the page.
 */
export function soakFrame(width, height, seed) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; ++y) {
    for (let x = 0; x < width; ++x) {
      const at = (y * width + x) * 4;
      const stripe = (y + seed) % 24 >= 8 && (y + seed) % 24 < 14 && x % 10 < 7 && x > 8 && x < width - 8;
      const value = stripe ? 0 : 128 + ((x + y + seed * 3) % 128);
      data[at] = value;
      data[at + 1] = (value + seed) & 255;
      data[at + 2] = 255 - value;
      data[at + 3] = 255;
    }
  }
  return { data, width, height };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
};

/**
 * Logs and checks one soak: the heap at the last frame within MAX_HEAP_GROWTH
 * of the heap at frame WARM_FRAMES, and the last WINDOW frames' median latency
 * within MAX_SLOWDOWN of frames WARM_FRAMES..WARM_FRAMES+WINDOW's.
 */
export function checkFlat(description, { latencies, heapAtWarm, heapAtEnd }) {
  const frames = latencies.length;
  const early = median(latencies.slice(WARM_FRAMES, WARM_FRAMES + WINDOW));
  const late = median(latencies.slice(frames - WINDOW));
  console.log(`# ${description}: heap ${heapAtWarm} -> ${heapAtEnd} bytes; median ${early.toFixed(2)} ms (frames ` +
    `${WARM_FRAMES}-${WARM_FRAMES + WINDOW}) -> ${late.toFixed(2)} ms (last ${WINDOW})`);
  assert.ok(heapAtEnd <= heapAtWarm * (1 + MAX_HEAP_GROWTH),
    `wasm heap grew from ${heapAtWarm} to ${heapAtEnd} bytes (bound ${MAX_HEAP_GROWTH * 100}%)`);
  assert.ok(late <= early * MAX_SLOWDOWN,
    `median latency went from ${early.toFixed(2)} to ${late.toFixed(2)} ms (bound ${MAX_SLOWDOWN}x)`);
}
