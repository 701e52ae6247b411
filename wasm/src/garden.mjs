// Model Garden: the package's entry point.
//
//   import { createGarden } from 'model-garden';
//   const garden = await createGarden();
//   const det = await garden.loadTextDetector({ model: 'ppocr' });
//   const boxes = await det.detect(image);        // [[{x, y}, ...], ...]
//   const reader = await garden.loadTextReader();
//   const lines = await reader.read(image);       // [{text, score, box: [{x, y} x4]}, ...]
//   det.dispose(); garden.dispose();
//
// In a page the runtime runs in a dedicated module worker by default (heavy
// work stays off the main thread) and the calls below are forwarded to it; in
// Node, in a worker, or with { worker: false } it runs on the calling thread
// (runtime.mjs). Either way the API is the same: Promises, GardenError.
import { GardenError, checkKeys } from './errors.mjs';
import { toTransferable } from './pixels.mjs';
import { clearModelCache } from './fetch_model.mjs';
import { FewShotClassifier } from './few_shot.mjs';
import { IS_NODE, MAX_THREADS, createLocalGarden, gardenFetchOptions, hasSimd, isIsolated, modelArguments } from './runtime.mjs';

export { GardenError, MAX_THREADS };
export { blurBackground, drawMask, toBinaryMask } from './drawing.mjs';
export { FewShotClassifier, cosineSimilarity } from './few_shot.mjs';

const IS_PAGE = !IS_NODE && typeof window === 'object' && typeof document === 'object';

/** Forwards calls to the runtime in a module worker; one request id per call. */
class WorkerConnection {
  #worker;
  #pending = new Map();
  #nextId = 1;

  constructor(worker) {
    this.#worker = worker;
    worker.onmessage = ({ data }) => this.#receive(data);
    worker.onerror = (event) => this.#failAll(new GardenError('INTERNAL', `the runtime worker failed: ${event.message}`));
  }

  request(message, transfer = [], onProgress) {
    if (!this.#worker) return Promise.reject(new GardenError('DISPOSED', 'the garden was disposed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress });
      this.#worker.postMessage({ id, ...message }, transfer);
    });
  }

  #receive({ id, result, error, progress }) {
    const pending = this.#pending.get(id);
    if (!pending) return;
    if (progress) { pending.onProgress?.(progress); return; }
    this.#pending.delete(id);
    if (error) pending.reject(new GardenError(error.code, error.message));
    else pending.resolve(result);
  }

  #failAll(error) {
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }

  terminate() {
    this.#worker?.terminate();
    this.#worker = null;
    this.#failAll(new GardenError('DISPOSED', 'the garden was disposed'));
  }
}

class RemoteHandle {
  #connection;
  #handle;

  constructor(connection, { handle, inputs, outputs, notes, labels, embeddingSize }) {
    this.#connection = connection;
    this.#handle = handle;
    if (inputs) { this.inputs = inputs; this.outputs = outputs; this.notes = notes; }
    if (labels) this.labels = labels;
    if (embeddingSize !== undefined) this.embeddingSize = embeddingSize;
  }

  async call(method, image, ...rest) {
    if (!this.#handle) throw new GardenError('DISPOSED', 'this model was disposed');
    const { image: posted, transfer } = image === undefined ? { transfer: [] } : await toTransferable(image);
    const args = image === undefined ? rest : [posted, ...rest];
    return this.#connection.request({ op: 'call', handle: this.#handle, method, args }, transfer);
  }

  dispose() {
    if (!this.#handle) return;
    this.#connection.request({ op: 'dispose', handle: this.#handle }).catch(() => {});
    this.#handle = null;
  }
}

class RemoteTextDetector extends RemoteHandle {
  detect(image, options) { return this.call('detect', image, options); }
}
class RemoteTextReader extends RemoteHandle {
  read(image) { return this.call('read', image); }
}
class RemoteClassifier extends RemoteHandle {
  classify(image, topK) { return this.call('classify', image, topK); }
  embed(image) { return this.call('embed', image); }
}
class RemoteSegmenter extends RemoteHandle {
  segment(image, options) { return this.call('segment', image, options); }
}
class RemoteModel extends RemoteHandle {
  // Inputs are copied to the worker (the caller keeps its arrays).
  run(inputs) { return this.call('run', undefined, inputs); }
  profile() { return this.call('profile', undefined); }
}

class WorkerGarden {
  #connection;

  constructor(connection, { threads, build, isolated, version }) {
    this.#connection = connection;
    this.threads = threads;
    this.build = build;
    this.isolated = isolated;
    this.version = version;
    this.inWorker = true;
  }

  async #load(method, Type, args, options = {}) {
    if (options === null || typeof options !== 'object') {
      throw new GardenError('INVALID_ARGUMENT', `${method} options must be an object`);
    }
    const { onProgress, ...rest } = options;
    if (onProgress !== undefined && typeof onProgress !== 'function') {
      throw new GardenError('INVALID_ARGUMENT', 'onProgress must be a function');
    }
    const posted = { ...rest, ...(onProgress ? { onProgress: true } : {}) };
    const loaded = await this.#connection.request({ op: 'load', method, args: [...args, posted] }, [], onProgress);
    return new Type(this.#connection, loaded);
  }

  loadTextDetector(options) { return this.#load('loadTextDetector', RemoteTextDetector, [], options); }
  loadTextReader(options) { return this.#load('loadTextReader', RemoteTextReader, [], options); }
  loadClassifier(options) { return this.#load('loadClassifier', RemoteClassifier, [], options); }
  loadSegmenter(options) { return this.#load('loadSegmenter', RemoteSegmenter, [], options); }
  async loadModel(first, second) {
    const { source, options } = modelArguments(first, second);
    const url = source instanceof URL ? source.href : source;
    return this.#load('loadModel', RemoteModel, [url], options);
  }
  heapBytes() { return this.#connection.request({ op: 'heapBytes' }); }
  // It keeps its examples here, on the page: only embed() goes to the worker.
  createFewShotClassifier(classifier, options) { return new FewShotClassifier(classifier, options); }
  // Cache Storage is the origin's: the page empties what its worker filled.
  clearCache() { return clearModelCache(); }
  dispose() { this.#connection.terminate(); }
}

/**
 * The runtime's module worker. Written as `new Worker(new URL('./worker.mjs',
 * import.meta.url), { … })` so that bundlers (Vite, webpack) bundle the
 * worker too. A page cannot start a worker from another origin's script (the
 * package served from a CDN, or a baseUrl elsewhere: SecurityError); there
 * the worker is a same-origin blob that imports the real one.
 */
function startWorker(baseUrl) {
  const options = { type: 'module', name: 'model-garden' };
  try {
    return baseUrl
      ? new Worker(new URL('worker.mjs', baseUrl), options)
      : new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module', name: 'model-garden' });
  } catch (error) {
    if (error?.name !== 'SecurityError') throw error;
  }
  // Not `new URL('./worker.mjs', import.meta.url)`: a bundler would copy the raw file for it.
  const script = baseUrl ? new URL('worker.mjs', baseUrl).href : import.meta.url.replace(/[^/]*$/, 'worker.mjs');
  const blob = URL.createObjectURL(new Blob([`import ${JSON.stringify(script)};`], { type: 'text/javascript' }));
  const worker = new Worker(blob, options);
  // The worker has its script once it runs; the blob's URL is not needed after.
  setTimeout(() => URL.revokeObjectURL(blob), 60_000);
  return worker;
}

async function createWorkerGarden(options) {
  const worker = startWorker(options.baseUrl);
  const connection = new WorkerConnection(worker);
  try {
    const info = await connection.request({ op: 'create', args: [options] });
    return new WorkerGarden(connection, info);
  } catch (error) {
    connection.terminate();
    throw error;
  }
}

/**
 * Loads the runtime: the SIMD+threads build where SharedArrayBuffer is usable
 * (Node, cross-origin isolated pages), else the single-thread SIMD build.
 * Options: threads (default: cores, at most 4), worker (pages; default true),
 * baseUrl (where the package is served; default: this module's folder),
 * build (force 'simd', the single-thread build, or 'simd-threads'), fetch
 * (what fetches model URLs: Node, or pages with { worker: false }), cacheDir
 * (Node: the folder downloaded models are kept in).
 */
export async function createGarden(options = {}) {
  const { threads, worker = true, baseUrl, build, fetch, cacheDir } =
    checkKeys(options, ['threads', 'worker', 'baseUrl', 'build', 'fetch', 'cacheDir'], 'createGarden');
  gardenFetchOptions({ fetch, cacheDir });
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)) {
    throw new GardenError('INVALID_ARGUMENT', `threads must be an integer in [1, ${MAX_THREADS}], got ${threads}`);
  }
  if (!hasSimd()) throw new GardenError('NO_SIMD', 'this WebAssembly engine has no SIMD128 support');
  const base = baseUrl === undefined ? undefined : String(new URL(baseUrl, globalThis.location?.href));
  if (IS_PAGE && worker && typeof Worker === 'function') {
    // A function cannot be posted to the runtime's worker.
    if (fetch) throw new GardenError('INVALID_ARGUMENT', 'the fetch option needs { worker: false } in a page (the runtime worker fetches with its own)');
    return createWorkerGarden({ threads, baseUrl: base, build });
  }
  return createLocalGarden({ threads, baseUrl: base, build, fetch, cacheDir });
}

export { isIsolated };
