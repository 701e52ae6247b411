// The runtime on the calling thread: loads one of the two wasm builds and
// wraps its Embind classes in the package's Promise API. garden.mjs uses it
// directly in Node (and with { worker: false }); worker.mjs runs it in a Web
// Worker for pages.
import { GardenError, asGardenError, checkKeys } from './errors.mjs';
import { clearModelCache, fetchModel } from './fetch_model.mjs';
import { IS_NODE, nodeBuiltin } from './node_builtins.mjs';
import {
  CLASSIFIERS, DEFAULT_CLASSIFIER, SEGMENTERS, TEXT_DETECTORS, TEXT_DIRECTIONS, TEXT_RECOGNIZERS, deeplabUrl, lookup, modelSource,
  packageFileUrl,
} from './models.mjs';
import { FewShotClassifier } from './few_shot.mjs';
import { ImportCache } from './import_cache.mjs';
import { toRgba } from './pixels.mjs';

export { IS_NODE };
// Upper bound on threads per garden: each one is a Web Worker spawned up front.
export const MAX_THREADS = 16;

// The smallest module using a SIMD128 instruction (i32.const 0; i8x16.splat).
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);

export function hasSimd() { return WebAssembly.validate(SIMD_PROBE); }

/** SharedArrayBuffer is usable: Node, or a cross-origin isolated page/worker. */
export function isIsolated() {
  return IS_NODE || (globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function');
}

/** The number of cores, at most 4 (more rarely helps one frame and costs a worker each). */
async function defaultThreads() {
  let cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  if (IS_NODE) {
    const os = await nodeBuiltin('node:os');
    cores = os.availableParallelism?.() ?? os.cpus().length;
  }
  return Math.max(1, Math.min(cores, 4));
}

export function checkThreads(threads, limit) {
  if (!Number.isInteger(threads) || threads < 1 || threads > limit) {
    throw new GardenError('INVALID_ARGUMENT', `threads must be an integer in [1, ${limit}], got ${threads}`);
  }
}

// The files of the two builds, each by a literal `new URL('./…',
// import.meta.url)`: bundlers (Vite, webpack) find these, ship the files and
// rewrite the URLs. A garden's baseUrl moves them all.
const BUILD_FILES = {
  'simd-threads': () => ({
    'garden_wasm.mjs': new URL('./dist/garden_wasm.mjs', import.meta.url),
    'garden_wasm.wasm': new URL('./dist/garden_wasm.wasm', import.meta.url),
    // The threads' script as text, for browsers (see threadScript).
    'garden_wasm.worker.txt': new URL('./dist/garden_wasm.worker.txt', import.meta.url),
  }),
  simd: () => ({
    'garden_wasm_st.mjs': new URL('./dist/garden_wasm_st.mjs', import.meta.url),
    'garden_wasm_st.wasm': new URL('./dist/garden_wasm_st.wasm', import.meta.url),
  }),
};

function buildFiles(build, baseUrl) {
  const files = BUILD_FILES[build]();
  if (!baseUrl) return files;
  return Object.fromEntries(Object.keys(files).map((name) => [name, new URL(`dist/${name}`, baseUrl)]));
}

/**
 * The script Emscripten starts each thread with (new Worker(url), a classic
 * worker). Node runs garden_wasm.worker.js beside the module. Browsers run
 * its text (shipped as garden_wasm.worker.txt) from a blob: a page can only
 * start workers from its own origin (not a CDN's, nor the data: URL a bundler
 * may inline a small file as), and a dev server (Vite's) rewrites the .js it
 * serves into a module a classic worker cannot run.
 */
async function threadScript(files) {
  if (IS_NODE) return new URL('garden_wasm.worker.js', files['garden_wasm.mjs']);
  let source;
  try {
    const response = await fetch(files['garden_wasm.worker.txt']);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    source = await response.text();
  } catch (error) {
    throw new GardenError('NETWORK', `cannot fetch the threads' script ${files['garden_wasm.worker.txt'].href}: ${error.message}`);
  }
  return new URL(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
}

// Node reads the .wasm from disk (its fetch cannot load file: URLs); pages
// and workers fetch it where the build's files are.
async function instantiate(build, threads, baseUrl) {
  const name = build === 'simd-threads' ? 'garden_wasm' : 'garden_wasm_st';
  const files = buildFiles(build, baseUrl);
  if (build === 'simd-threads') files['garden_wasm.worker.js'] = await threadScript(files);
  let factory;
  try {
    // Loaded as it is, never bundled: Emscripten's module finds its wasm and
    // worker through locateFile below.
    ({ default: factory } = await import(/* @vite-ignore */ /* webpackIgnore: true */ files[`${name}.mjs`].href));
  } catch (error) {
    if (build === 'simd') {
      throw new GardenError('NOT_ISOLATED', 'this package has no single-thread build: serve the page cross-origin isolated (COOP/COEP)');
    }
    throw new GardenError('IO', `cannot load ${name}.mjs: ${error.message}`);
  }
  const locate = (file) => {
    if (!Object.hasOwn(files, file)) throw new GardenError('INTERNAL', `the runtime asked for an unknown file ${file}`);
    return files[file];
  };
  // Threads import the module by this URL (not relative to their own script, which may be a blob).
  const options = { locateFile: (file) => locate(file).href, mainScriptUrlOrBlob: files[`${name}.mjs`].href };
  if (build === 'simd-threads') options.gardenPoolSize = threads - 1;
  if (IS_NODE) {
    const { readFile } = await nodeBuiltin('node:fs/promises');
    const { fileURLToPath } = await nodeBuiltin('node:url');
    options.wasmBinary = await readFile(files[`${name}.wasm`]);
    // Node's Worker takes paths, not file: URLs.
    options.locateFile = (file) => fileURLToPath(locate(file));
  }
  const module = await factory(options);
  // Idle pool workers must not keep a Node process alive.
  if (IS_NODE && module.PThread) for (const worker of module.PThread.unusedWorkers) worker.unref();
  return module;
}

/** Model bytes from `model` (bytes) or a URL, fetched with `fetchOptions` (see fetchModel). */
async function modelBytes(source, fetchOptions) {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return source;
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (typeof source === 'string' || source instanceof URL) return fetchModel(source, fetchOptions);
  throw new GardenError('INVALID_ARGUMENT', 'a model must be a Uint8Array, an ArrayBuffer or a URL');
}

// What every loader takes about fetching its model (fetchModel's options),
// and `quantize`: 'int8' runs the model's convolutions and fully connected
// layers in int8, their weights quantized per channel at load (as
// garden-convert --quantize int8 does ahead of time, for a smaller file).
const FETCH_KEYS = ['onProgress', 'cache', 'integrity'];
const LOAD_KEYS = [...FETCH_KEYS, 'quantize'];

/** The quantize option, checked: undefined or 'int8'. */
function checkQuantize(quantize) {
  if (quantize !== undefined && quantize !== 'int8') {
    throw new GardenError('INVALID_ARGUMENT', `quantize must be 'int8' (or left out), got ${quantize}`);
  }
  return quantize;
}

/** Saves what the loads of `models` (as LocalGarden#model gives them) imported. */
async function keepImports(...models) {
  for (const model of models) await model?.imports?.save();
}

/** createGarden's fetch and cacheDir: checked once, then given to every fetch. */
export function gardenFetchOptions({ fetch, cacheDir }) {
  if (fetch !== undefined && typeof fetch !== 'function') {
    throw new GardenError('INVALID_ARGUMENT', 'fetch must be a function (as the global fetch)');
  }
  if (cacheDir !== undefined && (!IS_NODE || typeof cacheDir !== 'string')) {
    throw new GardenError('INVALID_ARGUMENT', 'cacheDir is a folder path, in Node only (browsers cache in Cache Storage)');
  }
  return { ...(fetch ? { fetch } : {}), ...(cacheDir ? { cacheDir } : {}) };
}

const isModelBytes = (value) => value instanceof ArrayBuffer || ArrayBuffer.isView(value);

/**
 * loadModel's two forms as one: loadModel({ model | modelUrl, ...options }),
 * the shape the other loaders take, or loadModel(bytesOrUrl, options).
 */
export function modelArguments(first, second) {
  if (first === null || typeof first !== 'object' || isModelBytes(first) || first instanceof URL) {
    return { source: first, options: second };
  }
  if (second !== undefined) {
    throw new GardenError('INVALID_ARGUMENT', 'loadModel takes loadModel({ model | modelUrl, ...options }) or loadModel(model, options), not both');
  }
  const { model, modelUrl, ...options } = first;
  if ((model === undefined) === (modelUrl === undefined)) {
    throw new GardenError('INVALID_ARGUMENT', 'loadModel needs exactly one of model (its bytes) and modelUrl');
  }
  if (model !== undefined && !isModelBytes(model)) {
    throw new GardenError('INVALID_ARGUMENT', 'loadModel: model must be the model\'s bytes (a Uint8Array or an ArrayBuffer); pass a URL as modelUrl');
  }
  return { source: model ?? modelUrl, options };
}

// Warm-up at load. Engines compile a module's functions lazily, on their
// first call, with a fast baseline compiler (V8's Liftoff), and replace the
// code of a function with optimized code, compiled in the background, only
// after it has run for a while. So the first run after a load is several times
// slower than later ones, and a small model needs several runs (and the time
// they take) before it is at full speed. Warm-up runs on a mid-grey frame (or
// zero tensors) take that cost at load: they repeat until WARMUP_BUDGET_MS
// have passed since the first began, at least once (a large model runs once)
// and at most WARMUP_MAX_RUNS times, or until the model has settled: a run
// of WARMUP_SETTLED_MS or more, no more than WARMUP_SETTLED_RATIO faster than
// the one before. Short runs cannot settle: two runs still in baseline code
// can agree, when both end before the optimizing compiler does. A run that
// long leaves it the time, so a second one as fast is at full speed (DeepLab
// at 513 x 513 settles in 2 runs instead of 4 or 5 in the budget).
// The results are discarded, and every buffer the runs touch is rewritten by
// the next real call.
const WARMUP_MAX_RUNS = 8;
const WARMUP_BUDGET_MS = 800;
const WARMUP_SETTLED_MS = 50;
const WARMUP_SETTLED_RATIO = 1.2;

/** Whether warm-up stops after runs that took `runTimes` ms, `elapsedMs` after the first began. */
export function warmupDone(runTimes, elapsedMs) {
  const runs = runTimes.length;
  if (runs >= WARMUP_MAX_RUNS || elapsedMs >= WARMUP_BUDGET_MS) return true;
  if (runs < 2) return false;
  const [previous, last] = runTimes.slice(-2);
  return last >= WARMUP_SETTLED_MS && previous <= WARMUP_SETTLED_RATIO * last;
}

// Classifiers and segmenters stretch or fit any frame over their whole input
// tensor, so a small frame exercises all of their code; text detectors never
// enlarge a frame, so theirs is warmed at the model's input size.
const WARMUP_SIDE = 64;

function greyFrame(width, height) {
  return { data: new Uint8Array(width * height * 4).fill(128), width, height };
}

/** The preset a classifier name runs with: a catalogue name's, else the name itself (a preset's), else B0's. */
function classifierPreset(name) {
  if (name === undefined) return 'efficientnet-b0';
  return Object.hasOwn(CLASSIFIERS, name) ? CLASSIFIERS[name].preset : name;
}

function checkWarmup(warmup) {
  if (typeof warmup !== 'boolean') throw new GardenError('INVALID_ARGUMENT', `warmup must be true or false, got ${warmup}`);
  return warmup;
}

export class LocalGarden {
  #module;
  #pixels;
  #handles = new Set();
  #fetchOptions;
  #baseUrl;

  constructor(module, { threads, build, isolated, fetchOptions = {}, baseUrl }) {
    this.#module = module;
    this.#fetchOptions = fetchOptions;
    this.#baseUrl = baseUrl;
    this.#pixels = new module.PixelBuffer();
    this.threads = threads;
    this.build = build;
    this.isolated = isolated;
    this.version = module.importCacheVersion();
    this.inWorker = false;
  }

  /** Runs a call into wasm; a JS exception thrown from C++ skips the epilogues
   * that restore the wasm stack pointer, so restore it here. */
  call(body) {
    const module = this.#alive();
    const stack = module.stackSave();
    try {
      return body(module);
    } catch (error) {
      module.stackRestore(stack);
      throw asGardenError(error);
    }
  }

  /** Writes a frame into the reusable heap buffer (one copy) and returns it. */
  writeImage(input) {
    const { data, width, height } = toRgba(input);
    this.call(() => this.#pixels.view(width, height)).set(data);
    return this.#pixels;
  }

  #alive() {
    if (!this.#module) throw new GardenError('DISPOSED', 'the garden was disposed');
    return this.#module;
  }

  #track(handle) {
    this.#handles.add(handle);
    handle.onDispose = () => this.#handles.delete(handle);
    return handle;
  }

  /** Warms `handle` up with `run(native)` (see WARMUP_BUDGET_MS); a failing warm-up frees it and rejects the load. */
  #warmUp(handle, run) {
    try {
      const native = handle.native();
      const start = performance.now();
      const runTimes = [];
      do {
        const began = performance.now();
        this.call(() => run(native));
        runTimes.push(performance.now() - began);
      } while (!warmupDone(runTimes, performance.now() - start));
    } catch (error) {
      handle.dispose();
      throw error;
    }
    return handle;
  }

  /** Bytes as modelBytes gives them, fetched with the garden's fetch and cache folder. */
  #bytes(source, fetchOptions) { return modelBytes(source, { ...this.#fetchOptions, ...fetchOptions }); }

  /**
   * A model as the runtime's loaders take it: the bytes given, or for a file
   * fetched by URL (the cache on), { bytes, imports }: its imports that
   * earlier loads kept (import_cache.mjs), which the load reads instead of
   * importing the file again. keepImports() saves what the load imported.
   */
  async #model(source, fetchOptions) {
    const options = { ...this.#fetchOptions, ...fetchOptions };
    const bytes = await modelBytes(source, options);
    if (isModelBytes(source)) return bytes;
    const imports = await ImportCache.open(bytes, this.version, options);
    return imports ? { bytes, imports } : bytes;
  }

  /**
   * A catalogue model: its file in the package (under baseUrl, if given) or
   * its official URL, checked against the catalogue's integrity unless the
   * caller gives one; as #model gives it.
   */
  #namedModel(named, fetchOptions) {
    const integrity = fetchOptions.integrity ?? named.integrity ?? undefined;
    return this.#model(modelSource(named, this.#baseUrl), { ...fetchOptions, integrity });
  }

  #threadsOption(threads = this.threads) {
    checkThreads(threads, this.threads);
    return threads;
  }

  async loadTextDetector(options = {}) {
    const { model = 'ppocr', modelUrl, kind, inputSize, warmup = true, quantize, ...fetchOptions } =
      checkKeys(options, ['model', 'modelUrl', 'kind', 'inputSize', 'warmup', ...LOAD_KEYS], 'loadTextDetector');
    this.#alive();
    checkWarmup(warmup);
    checkQuantize(quantize);
    const named = typeof model === 'string' ? lookup(TEXT_DETECTORS, model, 'text detector') : null;
    const source = modelUrl === undefined && named ? await this.#namedModel(named, fetchOptions) : await this.#model(modelUrl ?? model, fetchOptions);
    const settings = { kind: kind ?? named?.kind ?? 'ppocr', inputSize: inputSize ?? named?.inputSize ?? 640, threads: this.threads,
      quantize };
    const native = this.call((module) => new module.TextDetector(source, settings));
    await keepImports(source);
    const detector = this.#track(new TextDetector(this, native));
    if (!warmup) return detector;
    const frame = greyFrame(native.inputWidth(), native.inputHeight());
    return this.#warmUp(detector, (n) => n.detect(this.writeImage(frame), undefined));
  }

  /**
   * A PP-OCR detector, a recognizer and its dictionary: each by name (the
   * shipped PP-OCRv4 pair, 'ppocr'), as bytes, or by URL (detectorUrl,
   * recognizerUrl, dictionaryUrl); a dictionary given directly is its text.
   * `direction`: false (default), true or a name (the shipped PP-OCR
   * direction classifier), bytes, or directionUrl: lines it finds upside
   * down are turned before they are read.
   */
  async loadTextReader(options = {}) {
    const { detector = 'ppocr', detectorUrl, recognizer = 'ppocr', recognizerUrl, dictionary, dictionaryUrl,
      direction = false, directionUrl, inputSize = 640, recognizerWidth, minScore, warmup = true, quantize, ...fetchOptions } =
      checkKeys(options, ['detector', 'detectorUrl', 'recognizer', 'recognizerUrl', 'dictionary', 'dictionaryUrl',
        'direction', 'directionUrl', 'inputSize', 'recognizerWidth', 'minScore', 'warmup', ...LOAD_KEYS], 'loadTextReader');
    this.#alive();
    checkWarmup(warmup);
    checkQuantize(quantize);
    const namedDetector = detectorUrl === undefined && typeof detector === 'string'
      ? lookup(TEXT_DETECTORS, detector, 'text detector') : null;
    if (namedDetector && namedDetector.kind !== 'ppocr') {
      throw new GardenError('INVALID_ARGUMENT', `the text reader reads PP-OCR's lines; '${detector}' is a ${namedDetector.kind} detector`);
    }
    const named = recognizerUrl === undefined && typeof recognizer === 'string'
      ? lookup(TEXT_RECOGNIZERS, recognizer, 'text recognizer') : null;
    if (dictionary !== undefined && typeof dictionary !== 'string') {
      throw new GardenError('INVALID_ARGUMENT', 'dictionary must be its text, one character a line (or pass dictionaryUrl)');
    }
    if (!named && dictionary === undefined && dictionaryUrl === undefined) {
      throw new GardenError('INVALID_ARGUMENT', 'a recognizer given as bytes or a URL needs its dictionary (or dictionaryUrl)');
    }
    const directionModel = await this.#directionModel(direction, directionUrl, fetchOptions);
    const models = {
      ...(directionModel ? { direction: directionModel } : {}),
      detector: namedDetector ? await this.#namedModel(namedDetector, fetchOptions) : await this.#model(detectorUrl ?? detector, fetchOptions),
      recognizer: named ? await this.#namedModel(named, fetchOptions) : await this.#model(recognizerUrl ?? recognizer, fetchOptions),
      dictionary: dictionary ?? new TextDecoder().decode(
        await this.#bytes(dictionaryUrl ?? packageFileUrl(named.dictionary, this.#baseUrl), fetchOptions)),
    };
    // Unset for a recognizer given as bytes or a URL: the binding's default.
    const settings = { inputSize, recognizerWidth: recognizerWidth ?? named?.inputWidth, minScore, threads: this.threads,
      quantize };
    const native = this.call((module) => new module.TextReader(models, settings));
    await keepImports(models.detector, models.recognizer, models.direction);
    const reader = this.#track(new TextReader(this, native));
    if (!warmup) return reader;
    // The detector at its input size; the recognizer only where lines are found.
    const frame = greyFrame(inputSize, inputSize);
    return this.#warmUp(reader, (n) => n.read(this.writeImage(frame)));
  }

  /** The text reader's direction classifier: none (null), by name (true: PP-OCR's), bytes or URL. */
  async #directionModel(direction, directionUrl, fetchOptions) {
    if (directionUrl !== undefined) return this.#model(directionUrl, fetchOptions);
    if (direction === false) return null;
    if (direction === true) return this.#namedModel(TEXT_DIRECTIONS.ppocr, fetchOptions);
    if (typeof direction === 'string') return this.#namedModel(lookup(TEXT_DIRECTIONS, direction, 'text direction classifier'), fetchOptions);
    if (isModelBytes(direction)) return this.#model(direction, fetchOptions);
    throw new GardenError('INVALID_ARGUMENT', 'direction must be true or false, a name, model bytes, or given as directionUrl');
  }

  /**
   * A classifier by name (shipped, or fetched from its official URL and
   * checked against the catalogue's checksum where it has one), as bytes, or
   * by modelUrl; `model` names the preset of a modelUrl. Models given as
   * bytes or a URL without a name run with efficientnet-b0's pre-processing
   * unless `preset` says otherwise. `embeddingOutput` names the tensor
   * embed() returns (default: the catalogue's, else the features the
   * model's classification head reads).
   */
  async loadClassifier(options = {}) {
    const { model = DEFAULT_CLASSIFIER, preset, modelUrl, inputSize, labels, embeddingOutput, warmup = true, quantize, ...fetchOptions } =
      checkKeys(options, ['model', 'preset', 'modelUrl', 'inputSize', 'labels', 'embeddingOutput', 'warmup', ...LOAD_KEYS], 'loadClassifier');
    const module = this.#alive();
    if (!module.Classifier) throw new GardenError('UNSUPPORTED_MODEL', 'this build has no classification runner');
    checkWarmup(warmup);
    checkQuantize(quantize);
    const name = typeof model === 'string' ? model : undefined;
    const named = name && modelUrl === undefined ? lookup(CLASSIFIERS, name, 'classifier') : null;
    const source = named ? await this.#namedModel(named, fetchOptions) : await this.#model(modelUrl ?? model, fetchOptions);
    if (embeddingOutput !== undefined && typeof embeddingOutput !== 'string') {
      throw new GardenError('INVALID_ARGUMENT', 'embeddingOutput must be the name of a tensor of the model');
    }
    const settings = { preset: preset ?? classifierPreset(name), inputSize, labels, embeddingOutput, threads: this.threads,
      quantize };
    const native = this.call((m) => new m.Classifier(source, settings));
    await keepImports(source);
    const classifier = this.#track(new Classifier(this, native));
    if (!warmup) return classifier;
    const frame = greyFrame(WARMUP_SIDE, WARMUP_SIDE);
    return this.#warmUp(classifier, (n) => n.classify(this.writeImage(frame), 1));
  }

  /**
   * DeepLab v3 by base and quantization (its official TF Hub files, as
   * tfjs-models loads them; the default), a segmenter by name ('selfie',
   * shipped), model bytes or a modelUrl run with the `base` preset.
   */
  async loadSegmenter(options = {}) {
    const { base = 'pascal', quantizationBytes = 2, modelUrl, model, inputSize, warmup = true, quantize, ...fetchOptions } =
      checkKeys(options, ['base', 'quantizationBytes', 'modelUrl', 'model', 'inputSize', 'warmup', ...LOAD_KEYS], 'loadSegmenter');
    const module = this.#alive();
    if (!module.Segmenter) throw new GardenError('UNSUPPORTED_MODEL', 'this build has no segmentation runner');
    checkWarmup(warmup);
    checkQuantize(quantize);
    if (![1, 2, 4].includes(quantizationBytes)) {
      throw new GardenError('INVALID_ARGUMENT', `quantizationBytes must be 1, 2 or 4, got ${quantizationBytes}`);
    }
    const named = typeof model === 'string' ? lookup(SEGMENTERS, model, 'segmenter') : null;
    if (named && (options.base !== undefined || modelUrl !== undefined)) {
      throw new GardenError('INVALID_ARGUMENT', `segmenter '${model}' brings its own model and labels: give base and modelUrl without it`);
    }
    const source = named ? await this.#namedModel(named, fetchOptions)
      : await this.#model(model ?? modelUrl ?? deeplabUrl(base, quantizationBytes), fetchOptions);
    const preset = named ? named.preset : base;
    const native = this.call((m) => new m.Segmenter(source, { base: preset, inputSize, threads: this.threads, quantize }));
    await keepImports(source);
    const segmenter = this.#track(new Segmenter(this, native));
    if (!warmup) return segmenter;
    const frame = greyFrame(WARMUP_SIDE, WARMUP_SIDE);
    return this.#warmUp(segmenter, (n) => n.segment(this.writeImage(frame), false, false));
  }

  /** loadModel({ model | modelUrl, ...options }) or loadModel(bytesOrUrl, options). */
  async loadModel(first, second) {
    const { source, options } = modelArguments(first, second);
    const { inputHeight, inputWidth, threads, profile = false, warmup = true, quantize, ...fetchOptions } =
      checkKeys(options, ['inputHeight', 'inputWidth', 'threads', 'profile', 'warmup', ...LOAD_KEYS], 'loadModel');
    this.#alive();
    checkWarmup(warmup);
    checkQuantize(quantize);
    const settings = { inputHeight, inputWidth, profile, threads: this.#threadsOption(threads), quantize };
    const file = await this.#model(source, fetchOptions);
    const native = this.call((module) => new module.Model(file, settings));
    await keepImports(file);
    const model = this.#track(new Model(this, native));
    // The input tensors are zero until the first run() writes every one of them.
    return warmup ? this.#warmUp(model, (n) => n.run()) : model;
  }

  async heapBytes() { return this.#alive().HEAPU8.buffer.byteLength; }

  /** A classifier of your own classes, taught with examples (few_shot.mjs). */
  createFewShotClassifier(classifier, options) { return new FewShotClassifier(classifier, options); }

  /** Empties the model cache (Cache Storage in browsers; the cache folder in Node). */
  async clearCache() { await clearModelCache(this.#fetchOptions); }

  dispose() {
    if (!this.#module) return;
    for (const handle of [...this.#handles]) handle.dispose();
    this.#pixels.delete();
    this.#module.PThread?.terminateAllThreads();
    this.#module = null;
  }
}

/** What every runner shares: its native object, and dispose(). */
class Handle {
  #native;

  constructor(garden, native) {
    this.garden = garden;
    this.#native = native;
  }

  native() {
    if (!this.#native) throw new GardenError('DISPOSED', 'this model was disposed');
    return this.#native;
  }

  dispose() {
    if (!this.#native) return;
    this.#native.delete();
    this.#native = null;
    this.onDispose?.();
  }
}

/** A runner of images: each call writes its frame into the heap and runs on it. */
class ImageHandle extends Handle {
  onImage(image, body) {
    const native = this.native();
    const pixels = this.garden.writeImage(image);
    return this.garden.call(() => body(native, pixels));
  }
}

class TextDetector extends ImageHandle {
  async detect(image, options) { return this.onImage(image, (native, pixels) => native.detect(pixels, options)); }
}

class TextReader extends ImageHandle {
  async read(image) { return this.onImage(image, (native, pixels) => native.read(pixels)); }
}

class Classifier extends ImageHandle {
  constructor(garden, native) {
    super(garden, native);
    /** The length of embed()'s result; 0: the model has no embedding. */
    this.embeddingSize = garden.call(() => native.embeddingSize());
  }

  async classify(image, topK = 3) {
    this.native();
    if (!Number.isInteger(topK)) throw new GardenError('INVALID_ARGUMENT', `topK must be an integer, got ${topK}`);
    return this.onImage(image, (native, pixels) => native.classify(pixels, topK));
  }

  /** The image's embedding (see loadClassifier's embeddingOutput), from one run of the model. */
  async embed(image) {
    return this.onImage(image, (native, pixels) => new Float32Array(native.embed(pixels)));
  }
}

class Segmenter extends ImageHandle {
  constructor(garden, native) {
    super(garden, native);
    /** Class names by class id, for every id the model can produce. */
    this.labels = garden.call(() => native.labels());
  }

  /**
   * The colour map, and each pixel's class id; with { confidence: true } its
   * class's probability too; at the model's resolution (the part that shows
   * the image) or, with { resolution: 'image' }, at the image's.
   */
  async segment(image, options) {
    const { confidence = false, resolution = 'model' } = checkKeys(options, ['confidence', 'resolution'], 'segment');
    if (typeof confidence !== 'boolean') throw new GardenError('INVALID_ARGUMENT', `confidence must be true or false, got ${confidence}`);
    if (resolution !== 'model' && resolution !== 'image') {
      throw new GardenError('INVALID_ARGUMENT', `resolution must be 'model' or 'image', got ${resolution}`);
    }
    const result = this.onImage(image, (native, pixels) => native.segment(pixels, resolution === 'image', confidence));
    // Copied out: the views are the runner's buffers, rewritten by the next frame.
    return { legend: result.legend, segmentationMap: new Uint8ClampedArray(result.rgba), classIds: new Uint8Array(result.classIds),
      ...(confidence ? { confidence: new Float32Array(result.confidence) } : {}), width: result.width, height: result.height };
  }
}

// The runtime computes in float32; an output the model declares integer or
// bool holds whole numbers, returned as that type (always a copy: the view
// is the runtime's buffer, rewritten by the next run).
function inDeclaredType(view, dtype) {
  const whole = (v) => (Number.isFinite(v) ? Math.round(v) : 0);
  switch (dtype) {
    case 'int32': return Int32Array.from(view, whole);
    case 'int64': return BigInt64Array.from(view, (v) => BigInt(whole(v)));
    case 'uint8': case 'bool': return Uint8Array.from(view, whole);
    default: return view.slice();
  }
}

class Model extends Handle {
  constructor(garden, native) {
    super(garden, native);
    this.inputs = garden.call(() => native.inputs());
    this.outputs = garden.call(() => native.outputs());
    this.notes = native.notes();
  }

  /** One Float32Array per input in; copies of the outputs out. */
  async run(inputs) {
    const native = this.native();
    if (!Array.isArray(inputs) || inputs.length !== this.inputs.length) {
      throw new GardenError('INVALID_ARGUMENT', `run() takes an array of ${this.inputs.length} Float32Array(s)`);
    }
    return this.garden.call(() => {
      inputs.forEach((input, index) => {
        const view = native.inputView(index);
        if (!(input instanceof Float32Array) || input.length !== view.length) {
          throw new GardenError('INVALID_ARGUMENT', `input ${index} must be a Float32Array of ${view.length} values`);
        }
        view.set(input);
      });
      native.run();
      return this.outputs.map((output, index) => inDeclaredType(native.outputView(index), output.dtype));
    });
  }

  /** [{ name, milliseconds }] per operator of the last run; needs { profile: true } at load. */
  async profile() { return this.garden.call(() => this.native().profile()); }
}

/** The runtime on this thread, with the build this environment can run. */
export async function createLocalGarden({ threads, baseUrl, build: requested, fetch, cacheDir } = {}) {
  const fetchOptions = gardenFetchOptions({ fetch, cacheDir });
  if (!hasSimd()) throw new GardenError('NO_SIMD', 'this WebAssembly engine has no SIMD128 support');
  const isolated = isIsolated();
  if (requested === 'simd-threads' && !isolated) {
    throw new GardenError('NOT_ISOLATED', "the 'simd-threads' build needs a cross-origin isolated page (COOP/COEP)");
  }
  if (requested !== undefined && requested !== 'simd' && requested !== 'simd-threads') {
    throw new GardenError('INVALID_ARGUMENT', `build must be 'simd' or 'simd-threads', got ${requested}`);
  }
  const build = requested ?? (isolated ? 'simd-threads' : 'simd');
  let count = threads ?? await defaultThreads();
  checkThreads(count, MAX_THREADS);
  if (build === 'simd') count = 1;
  const module = await instantiate(build, count, baseUrl);
  return new LocalGarden(module, { threads: count, build, isolated, fetchOptions, baseUrl });
}
