// Run by memory.test.mjs in a child process with --expose-gc: many
// consecutive calls, then the wasm heap and the JS heap before and after.
//   node --expose-gc memory_loop.mjs <package garden.mjs URL> <ppocr model path> <iterations>
import fs from 'node:fs';

const [packageUrl, modelPath, iterationsText] = process.argv.slice(2);
const iterations = Number(iterationsText);
const { createGarden } = await import(packageUrl);

// A synthetic page: dark stripes (text-like) on white, 96x72.
const width = 96, height = 72;
const data = new Uint8Array(width * height * 4).fill(255);
for (let y = 0; y < height; ++y) {
  for (let x = 8; x < width - 8; ++x) {
    if (y % 24 >= 8 && y % 24 < 14 && x % 10 < 7) data.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
  }
}
const image = { data, width, height };

const garden = await createGarden({ threads: 1 });
const detector = await garden.loadTextDetector({ model: fs.readFileSync(modelPath), inputSize: 96 });
const jsHeap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };

// Warm-up: buffers reach their steady size.
for (let i = 0; i < 20; ++i) await detector.detect(image);
const before = { wasm: await garden.heapBytes(), js: jsHeap() };
let boxes = 0;
const start = performance.now();
for (let i = 0; i < iterations; ++i) boxes += (await detector.detect(image)).length;
const milliseconds = performance.now() - start;
const after = { wasm: await garden.heapBytes(), js: jsHeap() };
detector.dispose();
garden.dispose();
process.stdout.write(JSON.stringify({ before, after, boxes, milliseconds }) + '\n');
