// Benchmarks Model Garden against its peers on the same model files and
// prints a markdown report (see scripts/bench for usage): onnxruntime-web on
// the ONNX fixtures, tfjs-backend-wasm on the TF.js graph models.
//
// Node (default): one process; each measurement (runtime x model x threads)
// runs in its own worker thread with a fresh instance of its runtime (ORT
// reads numThreads once per instance), so load time includes instantiating
// the runtime and the wasm heap size is that measurement's alone.
// --browser: the same measurements in headless Chromium, each in a fresh page
// served cross-origin isolated (scripts/benchmark/browser.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import zlib from 'node:zlib';

import { MODELS, PEER_NAMES, convertedPath, loadFixture, modelById } from './benchmark/models.mjs';
import { TABLE_HEADER, lineRow, scalingLines } from './benchmark/report.mjs';
import { MIN_RUNS, TARGET_RUNS, TIMED_BUDGET_MS, measure } from './benchmark/runners.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// GARDEN_WASM_PACKAGE overrides where the built package is (default: the wasm build).
const GARDEN_PACKAGE = process.env.GARDEN_WASM_PACKAGE ?? path.join(ROOT, 'build/wasm/wasm/package');
const ORT_PACKAGE = path.join(ROOT, 'node_modules/onnxruntime-web');
const TFJS_WASM_PACKAGE = path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm');
const CACHE = process.env.GARDEN_CACHE ?? path.join(os.homedir(), '.cache/model-garden');
// GARDEN_CONVERT: the native garden-convert that turns TF.js graphs into .garden.
const GARDEN_CONVERT = process.env.GARDEN_CONVERT ?? path.join(ROOT, 'build/native/tools/garden-convert');

/** The bench's virtual folders (see benchmark/models.mjs) on this machine. */
export const FOLDERS = {
  fixtures: path.join(ROOT, 'build/fixtures'),
  'human-models': path.join(CACHE, 'extracted/human-models-3.0.4'),
  converted: path.join(ROOT, 'build/bench/converted'),
};

export function localPath(virtual) {
  const [folder, ...rest] = virtual.split('/');
  if (!FOLDERS[folder]) throw new Error(`no folder for ${virtual}`);
  return path.join(FOLDERS[folder], ...rest);
}

const readLocal = async (virtual) => new Uint8Array(fs.readFileSync(localPath(virtual)));

function parseArgs(argv) {
  const options = { models: MODELS.map((m) => m.id), threads: [1, 2], runs: TARGET_RUNS, browser: false };
  for (let i = 0; i < argv.length; ++i) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--models') { options.models = value.split(','); ++i; }
    else if (flag === '--threads') { options.threads = value.split(',').map(Number); ++i; }
    else if (flag === '--runs') { options.runs = Number(value); ++i; }
    else if (flag === '--browser') options.browser = true;
    else throw new Error(`unknown argument ${flag} (use --models a,b --threads 1,2 --runs N --browser)`);
  }
  options.models.forEach(modelById);  // throws for unknown ids
  return options;
}

// ---------------------------------------------------------------- preparing

/** Converts each TF.js model to .garden with garden-convert (once; redone when older than its inputs). */
function convertTfjsModels(models, log) {
  for (const model of models.filter((m) => m.peer === 'tfjs')) {
    const source = localPath(`${model.modelDir}/${model.modelJson}`);
    const target = localPath(convertedPath(model));
    const fresh = fs.existsSync(target) && fs.statSync(target).mtimeMs > Math.max(
      fs.statSync(source).mtimeMs, fs.statSync(GARDEN_CONVERT).mtimeMs);
    if (fresh) continue;
    log(`converting ${source} with ${GARDEN_CONVERT}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    execFileSync(GARDEN_CONVERT, [source, target], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

// ---------------------------------------------------------------- Node runs

const nodeRequire = createRequire(path.join(ROOT, 'package.json'));

const NODE_ENV = {
  importGarden: () => import(pathToFileURL(path.join(GARDEN_PACKAGE, 'garden.mjs'))),
  importOrt: () => import(pathToFileURL(path.join(ORT_PACKAGE, 'dist/ort.node.min.mjs'))),
  // tfjs-backend-wasm's Node build loads its single-thread SIMD binary.
  loadTf: async () => ({
    tf: nodeRequire('@tensorflow/tfjs-core'),
    converter: nodeRequire('@tensorflow/tfjs-converter'),
    wasm: nodeRequire('@tensorflow/tfjs-backend-wasm'),
  }),
  tfjsThreads: false,
  cpuUsage: (start) => process.cpuUsage(start),
};

/** Runs one measurement in a fresh worker thread and returns its result. */
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
  const model = modelById(modelId);
  const fixture = await loadFixture(model, readLocal);
  const result = await measure(runtime, fixture, model, threads, runs, NODE_ENV);
  parentPort.postMessage(result, result.output ? [result.output.buffer] : []);
}

const nodeMeasurer = {
  // tfjs-backend-wasm runs one thread in Node (no threaded build for it there).
  peerSkip: (model, threads) => (model.peer === 'tfjs' && threads > 1 ? 'tfjs-backend-wasm has no threads in Node' : null),
  measure: measureInWorker,
  close: async () => {},
};

// ---------------------------------------------------------------- report

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

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(', ');

function machineReport(environment) {
  return [
    `- CPU: ${os.cpus()[0].model}, ${os.availableParallelism()} logical cores (load average at start: ${loadAverage()})`,
    `- OS: ${os.type()} ${os.release()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `- ${environment}`,
    `- model-garden ${packageVersion(GARDEN_PACKAGE)} (git ${commandLine('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'])}, working tree as built), ${commandLine('emcc', ['--version'])}`,
    `- onnxruntime-web ${packageVersion(ORT_PACKAGE)} (wasm backend, SIMD, graphOptimizationLevel all)`,
    `- tfjs-backend-wasm ${packageVersion(TFJS_WASM_PACKAGE)} (with tfjs-core/tfjs-converter ${packageVersion(path.join(ROOT, 'node_modules/@tensorflow/tfjs-core'))})`,
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
  const inPackage = (dir, files) => files.map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f));
  // The package's own modules (garden.mjs and what it imports) plus one wasm build.
  const modules = fs.readdirSync(GARDEN_PACKAGE).filter((f) => f.endsWith('.mjs'));
  const builds = [
    ['garden (SIMD + threads)', inPackage(GARDEN_PACKAGE, [...modules, 'dist/garden_wasm.mjs', 'dist/garden_wasm.worker.js', 'dist/garden_wasm.wasm'])],
    ['garden (SIMD, single thread)', inPackage(GARDEN_PACKAGE, [...modules, 'dist/garden_wasm_st.mjs', 'dist/garden_wasm_st.wasm'])],
    ['onnxruntime-web', inPackage(ORT_PACKAGE, ['dist/ort.wasm.bundle.min.mjs', 'dist/ort-wasm-simd-threaded.wasm'])],
    ['tfjs-backend-wasm', [
      ...inPackage(path.join(ROOT, 'node_modules/@tensorflow'), ['tfjs-core/dist/tf-core.min.js', 'tfjs-converter/dist/tf-converter.min.js']),
      ...inPackage(TFJS_WASM_PACKAGE, ['dist/tf-backend-wasm.min.js', 'dist/tfjs-backend-wasm-simd.wasm']),
    ]],
  ];
  const rows = builds.filter(([name, files]) => !name.endsWith('single thread)') || files.some((f) => f.endsWith('.wasm')))
    .map(([name, files]) => {
      const { raw, compressed } = brotliSize(files);
      const list = files.map((f) => path.basename(f)).join(', ');
      return `| ${name} | ${list} | ${(raw / 2 ** 20).toFixed(2)} | ${(compressed / 2 ** 20).toFixed(2)} |`;
    });
  return ['| runtime | files a page loads | raw MB | brotli (q11) MB |', '|---|---|---|---|', ...rows].join('\n');
}

// ---------------------------------------------------------------- main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const log = (line) => process.stderr.write(`[bench] ${line}\n`);
  const models = MODELS.filter((m) => options.models.includes(m.id));
  convertTfjsModels(models, log);

  let measurer = nodeMeasurer;
  let environment = `Node ${process.version} (wasm SIMD; each measurement in its own worker thread)`;
  if (options.browser) {
    const { openBrowserMeasurer } = await import('./benchmark/browser.mjs');
    measurer = await openBrowserMeasurer({ root: ROOT, gardenPackage: GARDEN_PACKAGE, folders: FOLDERS, log });
    environment = `${measurer.version} headless (each measurement in a fresh cross-origin isolated page, runtimes on the page's thread)`;
  }

  out('## Machine\n');
  out(machineReport(environment));
  out(`\n## Latency (${options.browser ? 'headless Chromium' : 'Node'}, wasm SIMD; median of timed runs after one warm-up run)\n`);
  const rows = [TABLE_HEADER];
  const notes = [];
  const gardenResults = new Map();
  try {
    for (const model of models) {
      const fixture = await loadFixture(model, readLocal);
      notes.push(`${model.label}: ${fixture.inputNote}`);
      const byThreads = new Map();
      gardenResults.set(model.label, byThreads);
      for (const threads of options.threads) {
        log(`${model.id}, ${threads} thread(s): garden (load average ${loadAverage()})`);
        const garden = await measurer.measure('garden', model, threads, options.runs);
        byThreads.set(threads, garden);
        const skipped = measurer.peerSkip(model, threads);
        log(`${model.id}, ${threads} thread(s): ${PEER_NAMES[model.peer]}`);
        const peer = skipped ? { skipped } : await measurer.measure(model.peer, model, threads, options.runs);
        rows.push(lineRow(model, threads, garden, peer, fixture));
        log(rows.at(-1));
      }
    }
  } finally {
    await measurer.close();
  }
  out(rows.join('\n'));
  out('\nInputs: ' + notes.join('; ') + '.');
  out(`Runs: ${options.runs} timed runs per line; lines whose runs take over 1 s get fewer (shown as "(n runs)", budget ${TIMED_BUDGET_MS / 1000} s, at least ${MIN_RUNS}).`);
  out('Every runtime copies the input in and the output out on each run (garden model.run, ORT session.run, tfjs execute + data()).');
  out('Load = runtime instantiation + model load (garden loads the TF.js graphs as .garden files converted by garden-convert, so its load there excludes the import). Garden\'s load includes the warm-up runs its loaders make by default (`warmup`: repeated runs on a grey input for up to about 0.8 s, so that V8 has optimized the hot wasm code before the first call); the peers have no such step. First run = the first run after load.');
  out('Wasm heap = size of the instance\'s WebAssembly memory after the runs (it never shrinks, so it is the peak).');
  out('CPU/wall = process CPU time over wall time during the timed runs (≈ threads actually busy; Node only).');
  const scaling = scalingLines(gardenResults);
  if (scaling.length) out(`Garden 1 thread / 2 threads median: ${scaling.join('; ')}.`);
  out(`Load average at the end: ${loadAverage()}.`);
  if (!options.browser) out(`Process peak RSS over the whole run: ${(process.resourceUsage().maxRSS / 2 ** 10).toFixed(0)} MB.`);
  out('\n## Runtime download size\n');
  out(downloadReport());
}

if (isMainThread) {
  main().then(
    () => process.exit(0),  // runtimes' threads would keep Node alive
    (error) => {
      process.stderr.write(`[bench] error: ${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
} else {
  workerMain().catch((error) => parentPort.postMessage({ error: String(error.stack ?? error) }));
}
