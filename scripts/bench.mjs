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

import { MODELS, PEER_NAMES, convertedPath, loadFixture, modelById } from './benchmark/models.mjs';
import { TABLE_HEADER, lineRow, scalingLines } from './benchmark/report.mjs';
import { OCR_PAGE_ID, measurePage, pageReport } from './benchmark/ocr_page.mjs';
import { FEW_SHOT_ID, fewShotReport, measureFewShot } from './benchmark/few_shot.mjs';
import { MIN_RUNS, TARGET_RUNS, TIMED_BUDGET_MS, measure } from './benchmark/runners.mjs';
import { brotliSize, existingFiles as inPackage, pageFiles } from './lib/download_size.mjs';

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
  const options = { models: [...MODELS.map((m) => m.id), OCR_PAGE_ID, FEW_SHOT_ID], threads: [1, 2], runs: TARGET_RUNS, browser: false };
  for (let i = 0; i < argv.length; ++i) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--models') { options.models = value.split(','); ++i; }
    else if (flag === '--threads') { options.threads = value.split(',').map(Number); ++i; }
    else if (flag === '--runs') { options.runs = Number(value); ++i; }
    else if (flag === '--browser') options.browser = true;
    else if (flag === '--visits') options.visits = options.browser = true;
    else throw new Error(`unknown argument ${flag} (use --models a,b --threads 1,2 --runs N --browser --visits)`);
  }
  options.models.filter((id) => id !== OCR_PAGE_ID && id !== FEW_SHOT_ID).forEach(modelById);  // throws for unknown ids
  return options;
}

// ---------------------------------------------------------------- preparing

/**
 * Converts each TF.js model, and each model garden runs quantized, to .garden
 * with garden-convert (once; redone when older than its inputs).
 */
function convertModels(models, log) {
  for (const model of models.filter((m) => m.peer === 'tfjs' || m.quantize)) {
    const source = localPath(model.peer === 'tfjs' ? `${model.modelDir}/${model.modelJson}` : `fixtures/${model.fixture}/model.onnx`);
    const target = localPath(convertedPath(model));
    const fresh = fs.existsSync(target) && fs.statSync(target).mtimeMs > Math.max(
      fs.statSync(source).mtimeMs, fs.statSync(GARDEN_CONVERT).mtimeMs);
    if (fresh) continue;
    log(`converting ${source} with ${GARDEN_CONVERT}${model.quantize ? ` --quantize ${model.quantize}` : ''}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const options = [...(model.quantize ? ['--quantize', model.quantize] : []),
      ...(model.dynamic ? ['--input-size', `${model.height}x${model.width}`] : [])];
    execFileSync(GARDEN_CONVERT, [source, target, ...options], { stdio: ['ignore', 'ignore', 'inherit'] });
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
    const modelId = typeof model === 'string' ? model : model?.id ?? OCR_PAGE_ID;
    const worker = new Worker(new URL(import.meta.url), { workerData: { runtime, modelId, threads, runs } });
    worker.once('message', (result) => {
      resolve(result);
      worker.terminate();  // ends the runtime's own worker threads with it
    });
    worker.once('error', (error) => resolve({ error: String(error.message ?? error) }));
  });
}

async function workerMain() {
  const { runtime, modelId, threads, runs } = workerData;
  if (modelId === OCR_PAGE_ID) {
    parentPort.postMessage(await measurePage(runtime, await ocrPageInputs(), threads, runs, NODE_ENV));
    return;
  }
  if (modelId === FEW_SHOT_ID) {
    parentPort.postMessage(await measureFewShot(NODE_ENV, threads, runs));
    return;
  }
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

// ---------------------------------------------------------------- whole-page OCR

const OCR_PAGE_DIR = path.join(ROOT, 'build/bench/ocr-page');
const DET_SIZE = 640;

/** skimage's page.png as RGBA (PIL decodes it) and the lines garden reads on it, each's recognizer input saved. */
function prepareOcrPage(log) {
  const images = path.join(CACHE, 'images');
  const folder = fs.existsSync(images) ? fs.readdirSync(images).find((entry) => entry.startsWith('skimage')) : undefined;
  if (!folder) throw new Error(`page.png is not under ${images}: run scripts/make-fixtures`);
  const page = path.join(images, folder, 'page.png');
  fs.rmSync(OCR_PAGE_DIR, { recursive: true, force: true });
  fs.mkdirSync(OCR_PAGE_DIR, { recursive: true });
  const script = 'import sys\nfrom PIL import Image\nimage = Image.open(sys.argv[1]).convert("RGBA")\n' +
    'open(sys.argv[2], "wb").write(image.tobytes())\nprint(image.size[0], image.size[1])\n';
  const [width, height] = execFileSync('/usr/bin/python3', ['-c', script, page, path.join(OCR_PAGE_DIR, 'page.rgba')],
    { encoding: 'utf8' }).trim().split(' ').map(Number);
  fs.writeFileSync(path.join(OCR_PAGE_DIR, 'page.json'), JSON.stringify({ width, height }));
  log(`reading ${page} with garden ocr to save each line's recognizer input`);
  execFileSync(path.join(ROOT, 'build/native/tools/garden'), ['ocr', page, '--save-inputs', OCR_PAGE_DIR],
    { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function ocrPageInputs() {
  const { width, height } = JSON.parse(fs.readFileSync(path.join(OCR_PAGE_DIR, 'page.json'), 'utf8'));
  const floats = (file) => { const b = fs.readFileSync(file); return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)); };
  const lineFiles = fs.readdirSync(OCR_PAGE_DIR).filter((f) => /^line-\d+\.f32$/.test(f))
    .sort((a, b) => Number(a.match(/\d+/)[0]) - Number(b.match(/\d+/)[0]));
  const detFixture = await loadFixture({ ...modelById('ppocrv4_det'), height: DET_SIZE, width: DET_SIZE }, readLocal);
  const dictionaryText = fs.readFileSync(path.join(FOLDERS.fixtures, 'ppocrv4_rec/dict.txt'), 'utf8');
  return {
    page: { data: new Uint8Array(fs.readFileSync(path.join(OCR_PAGE_DIR, 'page.rgba'))), width, height },
    detector: await readLocal('fixtures/ppocrv4_det/model.onnx'),
    recognizer: await readLocal('fixtures/ppocrv4_rec/model.onnx'),
    dictionaryText,
    dictionary: dictionaryText.split('\n').filter((line, i, all) => i < all.length - 1 || line !== ''),
    detSize: DET_SIZE,
    detInput: detFixture.input,
    lineInputs: lineFiles.map((file) => floats(path.join(OCR_PAGE_DIR, file))),
  };
}

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

/** For each quantized model measured with its f32 twin: f32 median / quantized median, per thread count. */
function quantizedLines(models, gardenResults) {
  const lines = [];
  for (const quantized of models.filter((m) => m.quantize)) {
    const f32 = models.find((m) => !m.quantize && m.modelName === quantized.modelName);
    if (!f32) continue;
    const ratios = [...gardenResults.get(quantized.label)].flatMap(([threads, result]) => {
      const base = gardenResults.get(f32.label).get(threads);
      return result.error || !base || base.error ? [] : [`${(base.medianMs / result.medianMs).toFixed(2)}x at ${threads}T`];
    });
    if (ratios.length) lines.push(`${quantized.label} ${ratios.join(', ')}`);
  }
  return lines;
}

/** Each measured model's file as garden loads it and as its peer does, raw and brotli. */
function modelSizeReport(models) {
  const rows = ['| model | garden file | garden MB (brotli) | peer files | peer MB (brotli) |', '|---|---|---|---|---|'];
  const size = (files) => {
    const { raw, compressed } = brotliSize(files);
    return `${(raw / 1e6).toFixed(2)} (${(compressed / 1e6).toFixed(2)})`;
  };
  for (const model of models) {
    const gardenFile = localPath(model.peer === 'tfjs' || model.quantize ? convertedPath(model) : `fixtures/${model.fixture}/model.onnx`);
    let peerFiles;
    if (model.peer === 'tfjs') {
      const json = JSON.parse(fs.readFileSync(localPath(`${model.modelDir}/${model.modelJson}`), 'utf8'));
      peerFiles = [`${model.modelDir}/${model.modelJson}`, ...json.weightsManifest.flatMap((g) => g.paths.map((p) => `${model.modelDir}/${p}`))].map(localPath);
    } else {
      peerFiles = [localPath(`fixtures/${model.fixture}/model.onnx`)];
    }
    rows.push(`| ${model.label} | ${path.basename(gardenFile)} | ${size([gardenFile])} | ${peerFiles.map((f) => path.basename(f)).join(', ')} | ${size(peerFiles)} |`);
  }
  return rows.join('\n');
}

function downloadReport() {
  const builds = [
    ['garden (SIMD + threads)', pageFiles(GARDEN_PACKAGE)],
    ['garden (SIMD, single thread)', pageFiles(GARDEN_PACKAGE, { threads: false })],
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

/** --visits: garden's load of each ONNX model by URL on a first and a second visit (headless Chromium). */
async function visitsReport(measurer, models, threadCounts, out, log) {
  out('\n## Loading by URL on a first and a second visit (headless Chromium)\n');
  const rows = ['| model @ input | threads | first visit ms (download, import) | second visit, imports not cached ms | second visit ms (the cached .garden) | second/first | wasm heap MB (first / second) |',
    '|---|---|---|---|---|---|---|'];
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);
  try {
    for (const model of models.filter((m) => m.peer === 'ort' && !m.quantize)) {
      for (const threads of threadCounts) {
        log(`${model.id}, ${threads} thread(s): three visits (load average ${loadAverage()})`);
        const result = await measurer.visits(model, threads);
        if (result.error) {
          rows.push(`| ${model.label} @${model.height}x${model.width} | ${threads} | ${result.error} | | | | |`);
          continue;
        }
        const { first, downloadsOnly, second } = result;
        rows.push(`| ${model.label} @${model.height}x${model.width} | ${threads} | ${first.loadMs.toFixed(0)} | ${downloadsOnly.loadMs.toFixed(0)} | ${second.loadMs.toFixed(0)} | ${(second.loadMs / first.loadMs).toFixed(2)} | ${mb(first.heapBytes)} / ${mb(second.heapBytes)} |`);
        log(rows.at(-1));
      }
    }
  } finally {
    await measurer.close();
  }
  out(rows.join('\n'));
  out('\nEach visit is a fresh load of the bench page in one browser context (so Cache Storage persists): `createGarden()`, then `loadModel(url, { warmup: false, integrity })` timed to its resolution, from the local bench server, with the file\'s SHA-256 integrity as the catalogue\'s loads have it (so every visit checks the file once). First visit: nothing cached (the download, the import, the .garden file written to the cache of imports). Second visit, imports not cached: the cache of imports emptied first, so the file comes from Cache Storage and is imported again. Second visit: the .garden file from the cache of imports (found by the integrity\'s SHA-256, not by hashing the file again). Wasm heap: the instance\'s memory after the load.');
  out(`Load average at the end: ${loadAverage()}.`);
}

// ---------------------------------------------------------------- main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const log = (line) => process.stderr.write(`[bench] ${line}\n`);
  const models = MODELS.filter((m) => options.models.includes(m.id));
  convertModels(models, log);

  let measurer = nodeMeasurer;
  let environment = `Node ${process.version} (wasm SIMD; each measurement in its own worker thread)`;
  if (options.browser) {
    const { openBrowserMeasurer } = await import('./benchmark/browser.mjs');
    measurer = await openBrowserMeasurer({ root: ROOT, gardenPackage: GARDEN_PACKAGE, folders: FOLDERS, log });
    environment = `${measurer.version} headless (each measurement in a fresh cross-origin isolated page, runtimes on the page's thread)`;
  }

  out('## Machine\n');
  out(machineReport(environment));
  if (options.visits) {
    await visitsReport(measurer, models, options.threads, out, log);
    return;
  }
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
  out('Load = runtime instantiation + model load (garden loads the TF.js graphs as .garden files converted by garden-convert, so its load there excludes the import). Garden\'s load includes the warm-up runs its loaders make by default (`warmup`: repeated runs on a grey input for up to about 0.8 s, or until two runs of 50 ms or more agree within 1.2x, so that V8 has optimized the hot wasm code before the first call); the peers have no such step. First run = the first run after load.');
  out('Wasm heap = size of the instance\'s WebAssembly memory after the runs (it never shrinks, so it is the peak).');
  out('CPU/wall = process CPU time over wall time during the timed runs (≈ threads actually busy; Node only).');
  const scaling = scalingLines(gardenResults);
  if (scaling.length) out(`Garden 1 thread / 2 threads median: ${scaling.join('; ')}.`);
  const quantized = quantizedLines(models, gardenResults);
  if (quantized.length) out(`Garden f32 / quantized median (how much faster the quantized model runs): ${quantized.join('; ')}.`);
  out(`Load average at the end: ${loadAverage()}.`);
  if (!options.browser) out(`Process peak RSS over the whole run: ${(process.resourceUsage().maxRSS / 2 ** 10).toFixed(0)} MB.`);
  if (options.models.includes(OCR_PAGE_ID) && !options.browser) {
    prepareOcrPage(log);
    const results = [];
    for (const threads of options.threads) {
      log(`whole-page OCR, ${threads} thread(s) (load average ${loadAverage()})`);
      results.push({ threads, garden: await nodeMeasurer.measure('garden', null, threads, options.runs),
        ort: await nodeMeasurer.measure('ort', null, threads, options.runs) });
    }
    out('\n## Whole-page OCR (Node): PP-OCRv4 det + rec on page.png\n');
    out(pageReport(results));
    out('\nGarden: `reader.read(page)` on the 384 x 191 scan (placed unscaled in the detector\'s 640 x 640 input, detection, DB boxes, line crops, recognition at the width buckets, CTC). onnxruntime-web: the detector on a 640 x 640 input and the recognizer on each line\'s input as garden made it, decoded by greedy CTC in JS: no resizing, post-processing or cropping. Median of timed runs after one warm-up run.');
  }
  if (options.models.includes(FEW_SHOT_ID) && !options.browser) {
    const results = [];
    for (const threads of options.threads) {
      log(`few-shot, ${threads} thread(s) (load average ${loadAverage()})`);
      results.push({ threads, ...await nodeMeasurer.measure('garden', FEW_SHOT_ID, threads, options.runs) });
    }
    out('\n## Teaching your own classes (Node): embed() and the few-shot classifier\n');
    out(fewShotReport(results));
    out('\nnsfwjs (shipped) on a 224 x 224 frame: `classify(frame, 5)` and `embed(frame)`, medians after 3 warm-up runs; `predict(embedding)` of `createFewShotClassifier` holding 1,000 examples of 10 classes, the median of 10 x runs (the search runs in the package\'s SIMD128 search module, on the calling thread).');
  }
  if (models.length) {
    out('\n## Model files (MB, raw and brotli q11)\n');
    out(modelSizeReport(models));
  }
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
