// Run by memory.test.mjs in a child process with --expose-gc: many
// consecutive classify() or segment() calls, then the wasm heap and the JS
// heap before and after.
//   node --expose-gc task_memory_loop.mjs <package garden.mjs URL> classify|segment <model URL> <iterations>
const [packageUrl, task, modelUrl, iterationsText] = process.argv.slice(2);
const iterations = Number(iterationsText);
const { createGarden } = await import(packageUrl);

// A synthetic photo: a gradient with a bright disc, 120x90 (resized to the model's input).
const width = 120, height = 90;
const data = new Uint8Array(width * height * 4);
for (let y = 0; y < height; ++y) {
  for (let x = 0; x < width; ++x) {
    const inDisc = (x - 60) ** 2 + (y - 40) ** 2 < 900;
    data.set(inDisc ? [230, 190, 160, 255] : [x * 2, y * 2, 128, 255], (y * width + x) * 4);
  }
}
const image = { data, width, height };

const garden = await createGarden({ threads: 1 });
const runner = task === 'classify'
  ? await garden.loadClassifier({ model: 'nsfwjs', modelUrl })
  : await garden.loadSegmenter({ base: 'selfie', modelUrl });
// What one call gives: for a classifier the number of classes, for a segmenter the map's bytes.
const call = task === 'classify'
  ? async () => (await runner.classify(image, 3)).length
  : async () => (await runner.segment(image)).segmentationMap.length;
const jsHeap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };

// Warm-up: buffers reach their steady size.
for (let i = 0; i < 20; ++i) await call();
const before = { wasm: await garden.heapBytes(), js: jsHeap() };
let outputs = 0;
const start = performance.now();
for (let i = 0; i < iterations; ++i) outputs += await call();
const milliseconds = performance.now() - start;
const after = { wasm: await garden.heapBytes(), js: jsHeap() };
runner.dispose();
garden.dispose();
process.stdout.write(JSON.stringify({ before, after, outputs, milliseconds }) + '\n');
