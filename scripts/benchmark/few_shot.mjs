// Teaching your own classes (Node): classifier.embed() beside classify() on
// the same model (nsfwjs' MobileNetV2, 1,792 features) and frame, and a
// few-shot classifier's predict() over 1,000 stored examples, given the
// query's embedding so only the nearest-neighbour search is timed.
import { mulberry32 } from '../lib/seeded_random.mjs';

export const FEW_SHOT_ID = 'few-shot';
const EXAMPLES = 1000;
const CLASSES = 10;
const WARMUP_RUNS = 3;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function medianMs(body, runs) {
  for (let i = 0; i < WARMUP_RUNS; ++i) await body();
  const times = [];
  for (let i = 0; i < runs; ++i) {
    const start = performance.now();
    await body();
    times.push(performance.now() - start);
  }
  return median(times);
}

function gradientFrame(side) {
  const data = new Uint8ClampedArray(side * side * 4);
  for (let i = 0; i < side * side; ++i) data.set([i % side, (i / side) & 255, (i * 7) & 255, 255], 4 * i);
  return { data, width: side, height: side };
}

export async function measureFewShot(env, threads, runs) {
  const { createGarden } = await env.importGarden();
  const garden = await createGarden({ threads, worker: false });
  try {
    const classifier = await garden.loadClassifier({ model: 'nsfwjs' });
    const frame = gradientFrame(224);
    const classifyMs = await medianMs(() => classifier.classify(frame, 5), runs);
    const embedMs = await medianMs(() => classifier.embed(frame), runs);
    const fewShot = garden.createFewShotClassifier(classifier);
    const next = mulberry32(1000);
    const embedding = () => Float32Array.from({ length: classifier.embeddingSize }, next);
    for (let i = 0; i < EXAMPLES; ++i) await fewShot.addExample(embedding(), `class ${i % CLASSES}`);
    const query = embedding();
    const predictMs = await medianMs(() => fewShot.predict(query), runs * 10);
    return { threads, dimension: classifier.embeddingSize, classifyMs, embedMs, predictMs };
  } finally {
    garden.dispose();
  }
}

export function fewShotReport(results) {
  const rows = ['| threads | classify ms | embed ms | embed / classify | predict ms (1,000 examples x 1,792 features, k = 3) |',
    '|---|---|---|---|---|'];
  for (const r of results) {
    if (r.error) { rows.push(`| ${r.threads} | error: ${r.error} | | | |`); continue; }
    rows.push(`| ${r.threads} | ${r.classifyMs.toFixed(2)} | ${r.embedMs.toFixed(2)} | ${(r.embedMs / r.classifyMs).toFixed(2)} | ${r.predictMs.toFixed(3)} |`);
  }
  return rows.join('\n');
}
