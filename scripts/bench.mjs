// Benchmarks Model Garden against onnxruntime-web on the same ONNX files, in
// one Node process, and prints a markdown report (see scripts/bench for usage).
//
// Each measurement (runtime x model x threads) runs in its own worker thread of
// this process: a fresh module instance of the runtime (onnxruntime-web reads
// numThreads once per instance), so load time includes instantiating the
// runtime and the wasm heap size is that measurement's alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import zlib from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'build/fixtures');
// GARDEN_WASM_PACKAGE overrides where the built package is (default: the wasm build).
const GARDEN_PACKAGE = process.env.GARDEN_WASM_PACKAGE ?? path.join(ROOT, 'build/wasm/wasm/package');
const ORT_PACKAGE = path.join(ROOT, 'node_modules/onnxruntime-web');

const MODELS = [
  { id: 'efficientnet_b0', label: 'EfficientNet-B0', height: 224, width: 224 },
  { id: 'deeplabv3_mnv2', label: 'DeepLabv3 MobileNetV2', height: 513, width: 513 },
  { id: 'psenet_r50', label: 'PSENet ResNet50-FPN', height: 640, width: 640 },
  // PP-OCR's detector has dynamic [1,3,?,?] input; the fixture page is 320x640.
  { id: 'ppocrv4_det', label: 'PP-OCRv4 det', height: 640, width: 640, dynamic: true },
];

// Peers that need an importer this package does not have yet.
const PENDING_LINES = [
  { label: 'MobileNetV2-1.4 (nsfwjs, uint8 TF.js graph)', size: '224', peer: 'tfjs-backend-wasm' },
  { label: 'MediaPipe selfie (TF.js graph)', size: '256', peer: 'tfjs-backend-wasm' },
];

const TARGET_RUNS = 20;
const TIMED_BUDGET_MS = 15000;  // runs over 1 s get fewer timed runs (at least 3)
const MIN_RUNS = 3;

function parseArgs(argv) {
  const options = { models: MODELS.map((m) => m.id), threads: [1, 2], runs: TARGET_RUNS };
  for (let i = 0; i < argv.length; ++i) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--models') { options.models = value.split(','); ++i; }
    else if (flag === '--threads') { options.threads = value.split(',').map(Number); ++i; }
    else if (flag === '--runs') { options.runs = Number(value); ++i; }
    else throw new Error(`unknown argument ${flag} (use --models a,b --threads 1,2 --runs N)`);
  }
  for (const id of options.models) {
    if (!MODELS.some((m) => m.id === id)) throw new Error(`unknown model ${id}`);
  }
  return options;
}

// ---------------------------------------------------------------- inputs

function readFloats(file) {
  const bytes = fs.readFileSync(file);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

// Nearest-neighbour resample of a [1, C, H, W] tensor (keeps the picture's
// statistics when a model runs at another size than its fixture).
function resampleNchw(data, [, channels, height, width], outHeight, outWidth) {
  const out = new Float32Array(channels * outHeight * outWidth);
  for (let c = 0; c < channels; ++c) {
    for (let y = 0; y < outHeight; ++y) {
      const sourceRow = (c * height + Math.floor((y * height) / outHeight)) * width;
      for (let x = 0; x < outWidth; ++x) {
        out[(c * outHeight + y) * outWidth + x] = data[sourceRow + Math.floor((x * width) / outWidth)];
      }
    }
  }
  return out;
}

function loadFixture(model) {
  const dir = path.join(FIXTURES, model.id);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
  const shape = meta.inputs[0].shape;
  const input = readFloats(path.join(dir, 'input.bin'));
  const atFixtureSize = shape[2] === model.height && shape[3] === model.width;
  return {
    bytes: new Uint8Array(fs.readFileSync(path.join(dir, 'model.onnx'))),
    inputName: meta.inputs[0].name,
    inputShape: [1, shape[1], model.height, model.width],
    input: atFixtureSize ? input : resampleNchw(input, shape, model.height, model.width),
    // The reference output only applies to the fixture's own input.
    expected: atFixtureSize ? readFloats(path.join(dir, 'expected_0.bin')) : null,
    inputNote: atFixtureSize ? 'fixture input' : `fixture input ${shape[2]}x${shape[3]} resampled`,
  };
}

// ---------------------------------------------------------------- runtimes

class GardenRunner {

  async load(fixture, model, threads) {
    const { createGarden } = await import(pathToFileURL(path.join(GARDEN_PACKAGE, 'garden.mjs')));
    this.garden = await createGarden({ threads });
    const size = model.dynamic ? { inputHeight: model.height, inputWidth: model.width } : {};
    this.model = await this.garden.loadModel(fixture.bytes, { threads, ...size });
    this.model.inputView(0).set(fixture.input);
  }

  async run() { this.model.run(); }
  output() { return this.model.outputView(0).slice(); }
  heapBytes() { return this.garden.heapBytes(); }

  dispose() {
    this.model?.dispose();
    this.garden?.dispose();
  }
}

class OrtRunner {
  async load(fixture, model, threads) {
    const memories = captureWasmMemories();
    try {
      this.ort = await import(pathToFileURL(path.join(ORT_PACKAGE, 'dist/ort.node.min.mjs')));
      this.ort.env.wasm.numThreads = threads;
      this.session = await this.ort.InferenceSession.create(fixture.bytes, {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
      });
    } finally {
      this.memory = memories.stop()[0];
    }
    this.feeds = { [this.session.inputNames[0]]: new this.ort.Tensor('float32', fixture.input, fixture.inputShape) };
  }

  async run() { this.results = await this.session.run(this.feeds); }
  output() { return this.results[this.session.outputNames[0]].data; }
  heapBytes() { return this.memory ? this.memory.buffer.byteLength : NaN; }

  dispose() {
    this.session?.release();
    this.results = null;
  }
}

const RUNNERS = { garden: GardenRunner, ort: OrtRunner };

// Records the WebAssembly.Memory objects created while a runtime instantiates
// (threaded Emscripten builds create their shared memory from JS).
function captureWasmMemories() {
  const Original = WebAssembly.Memory;
  const created = [];
  WebAssembly.Memory = new Proxy(Original, {
    construct(target, args) {
      const memory = Reflect.construct(target, args);
      created.push(memory);
      return memory;
    },
  });
  return {
    stop() {
      WebAssembly.Memory = Original;
      return created;
    },
  };
}

// ---------------------------------------------------------------- measuring

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function timed(action) {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

async function measure(Runner, fixture, model, threads, targetRuns) {
  const runner = new Runner();
  try {
    const loadMs = await timed(() => runner.load(fixture, model, threads));
    const firstMs = await timed(() => runner.run());
    const warmMs = await timed(() => runner.run());  // warm-up
    const runs = warmMs > 1000 ? Math.max(MIN_RUNS, Math.min(targetRuns, Math.floor(TIMED_BUDGET_MS / warmMs))) : targetRuns;
    const times = [];
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < runs; ++i) times.push(await timed(() => runner.run()));
    const cpu = process.cpuUsage(cpuStart);
    const wall = times.reduce((a, b) => a + b, 0);
    return {
      loadMs, firstMs, medianMs: median(times), runs, requestedRuns: targetRuns,
      cpuPerWall: (cpu.user + cpu.system) / 1000 / wall,
      heapBytes: runner.heapBytes(),
      output: Float32Array.from(runner.output()),
    };
  } catch (error) {
    return { error: error.code ? `${error.code}: ${error.message}` : String(error.message ?? error) };
  } finally {
    runner.dispose();
  }
}

// Runs one measurement in a fresh worker thread and returns its result.
function measureInWorker(runtime, model, threads, runs) {
  return new Promise((resolve) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { runtime, modelId: model.id, threads, runs } });
    worker.once('message', (result) => {
      resolve(result);
      worker.terminate();  // ends the runtime's own worker threads with it
    });
    worker.once('error', (error) => resolve({ error: String(error.message ?? error) }));
  });
}

async function workerMain() {
  const { runtime, modelId, threads, runs } = workerData;
  const model = MODELS.find((m) => m.id === modelId);
  const result = await measure(RUNNERS[runtime], loadFixture(model), model, threads, runs);
  parentPort.postMessage(result, result.output ? [result.output.buffer] : []);
}

// max |a - b| / max |b|: b is the reference.
function relativeMaxDiff(a, b) {
  if (!a || !b || a.length !== b.length) return NaN;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; ++i) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / (scale || 1);
}

// ---------------------------------------------------------------- report

const ms = (value) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const mb = (bytes) => (Number.isFinite(bytes) ? (bytes / 2 ** 20).toFixed(0) : '?');
const ratio = (a, b) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : '—');
const sci = (value) => (Number.isFinite(value) ? value.toExponential(1) : '—');

function runsCell(result) {
  const note = result.runs < result.requestedRuns ? ` (${result.runs} runs)` : '';
  return `${ms(result.medianMs)}${note}`;
}

function lineRow(model, threads, garden, ort, fixture) {
  const name = `${model.label} @${model.height}x${model.width}`;
  if (garden.error || ort.error) {
    const cell = (r) => (r.error ? `failed: ${r.error.slice(0, 120)}` : runsCell(r));
    return `| ${name} | ${threads} | ${cell(garden)} | ${cell(ort)} | | | | | | | |`;
  }
  return [
    name, threads,
    runsCell(garden), runsCell(ort), ratio(garden.medianMs, ort.medianMs),
    `${ms(garden.loadMs)} / ${ms(ort.loadMs)}`,
    `${ms(garden.firstMs)} / ${ms(ort.firstMs)}`,
    `${mb(garden.heapBytes)} / ${mb(ort.heapBytes)}`,
    `${garden.cpuPerWall.toFixed(2)} / ${ort.cpuPerWall.toFixed(2)}`,
    sci(relativeMaxDiff(garden.output, ort.output)),
    fixture.expected ? `${sci(relativeMaxDiff(garden.output, fixture.expected))} / ${sci(relativeMaxDiff(ort.output, fixture.expected))}` : '— (no reference at this size)',
  ].join(' | ').replace(/^/, '| ').replace(/$/, ' |');
}

const TABLE_HEADER = [
  '| model @ input | threads | garden median ms | ORT-web median ms | garden/ORT | load ms (garden / ORT) | first run ms (garden / ORT) | wasm heap MB (garden / ORT) | CPU/wall (garden / ORT) | max abs diff garden vs ORT (rel.) | vs fixture reference (garden / ORT, rel.) |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
];

function packageVersion(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}

function commandLine(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0].trim();
  } catch {
    return 'unknown';
  }
}

function machineReport() {
  return [
    `- CPU: ${os.cpus()[0].model}, ${os.availableParallelism()} logical cores (load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')})`,
    `- OS: ${os.type()} ${os.release()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `- Node ${process.version}`,
    `- model-garden ${packageVersion(GARDEN_PACKAGE)} (git ${commandLine('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'])}, working tree as built), ${commandLine('emcc', ['--version'])}`,
    `- onnxruntime-web ${packageVersion(ORT_PACKAGE)} (wasm backend, ort.node.min.mjs, SIMD, graphOptimizationLevel all)`,
  ].join('\n');
}

function brotliSize(files) {
  let raw = 0;
  let compressed = 0;
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    raw += bytes.length;
    compressed += zlib.brotliCompressSync(bytes, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length;
  }
  return { raw, compressed };
}

function downloadReport() {
  const garden = ['garden.mjs', 'dist/garden_wasm.mjs', 'dist/garden_wasm.worker.js', 'dist/garden_wasm.wasm']
    .map((f) => path.join(GARDEN_PACKAGE, f));
  const ort = ['dist/ort.wasm.bundle.min.mjs', 'dist/ort-wasm-simd-threaded.wasm'].map((f) => path.join(ORT_PACKAGE, f));
  const row = (name, files) => {
    const { raw, compressed } = brotliSize(files);
    const list = files.map((f) => path.basename(f)).join(', ');
    return `| ${name} | ${list} | ${(raw / 2 ** 20).toFixed(2)} | ${(compressed / 2 ** 20).toFixed(2)} |`;
  };
  return [
    '| runtime | files a page loads | raw MB | brotli (q11) MB |',
    '|---|---|---|---|',
    row('garden', garden),
    row('onnxruntime-web', ort),
  ].join('\n');
}

// ---------------------------------------------------------------- main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const log = (line) => process.stderr.write(`[bench] ${line}\n`);

  out('## Machine\n');
  out(machineReport());
  out('\n## Latency (Node, wasm SIMD, one process; median of timed runs after one warm-up run)\n');
  const rows = [...TABLE_HEADER];
  const notes = [];
  for (const model of MODELS.filter((m) => options.models.includes(m.id))) {
    const fixture = loadFixture(model);
    notes.push(`${model.label}: ${fixture.inputNote}`);
    for (const threads of options.threads) {
      log(`${model.id} @${model.height}x${model.width}, ${threads} thread(s): garden`);
      const garden = await measureInWorker('garden', model, threads, options.runs);
      log(`${model.id} @${model.height}x${model.width}, ${threads} thread(s): onnxruntime-web`);
      const ort = await measureInWorker('ort', model, threads, options.runs);
      rows.push(lineRow(model, threads, garden, ort, fixture));
      log(rows.at(-1));
    }
  }
  for (const line of PENDING_LINES) {
    for (const threads of options.threads) {
      rows.push(`| ${line.label} @${line.size} | ${threads} | not yet (needs TF.js importer) | — (${line.peer} not run) | | | | | | | |`);
    }
  }
  out(rows.join('\n'));
  out('\nInputs: ' + notes.join('; ') + '.');
  out(`Runs: ${options.runs} timed runs per line; lines whose runs take over 1 s get fewer (shown as "(n runs)", budget ${TIMED_BUDGET_MS / 1000} s, at least ${MIN_RUNS}).`);
  out('Each measurement runs in its own worker thread of the one process. Load = runtime instantiation + model load. First run = the first run after load.');
  out('Wasm heap = size of the instance\'s WebAssembly memory after the runs (it never shrinks, so it is the peak).');
  out('CPU/wall = process CPU time over wall time during the timed runs (≈ threads actually busy).');
  out(`Process peak RSS over the whole run: ${(process.resourceUsage().maxRSS / 2 ** 10).toFixed(0)} MB.`);
  out('\n## Runtime download size\n');
  out(downloadReport());
}

const entry = isMainThread ? main : workerMain;
entry().then(
  () => { if (isMainThread) process.exit(0); },  // runtimes' threads would keep Node alive
  (error) => {
    process.stderr.write(`[bench] error: ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
