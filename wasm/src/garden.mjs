// Model Garden: the ES module entry point. A thin layer over the Embind module
// (dist/garden_wasm.mjs, built from bindings.cpp).
//
//   import { createGarden } from 'model-garden';
//   const garden = await createGarden({ threads: 2 });
//   const model = await garden.loadModel(bytes, { inputHeight: 640, inputWidth: 640 });
//   model.inputView(0).set(pixels);
//   model.run();
//   const out = model.outputView(0);   // Float32Array on the wasm heap
//   model.dispose();
//
// Views are windows on the wasm heap: read them again after any call that may
// allocate (loading a model, for one), because a grown heap can be a new buffer.
import createGardenModule from './dist/garden_wasm.mjs';

const IS_NODE = typeof process === 'object' && typeof process.versions?.node === 'string';

// Upper bound on threads per garden: each one is a Web Worker spawned up front.
export const MAX_THREADS = 16;

export class GardenError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'GardenError';
    this.code = code;
  }
}

function defaultThreads() {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(cores, 4));
}

function checkThreads(threads, limit) {
  if (!Number.isInteger(threads) || threads < 1 || threads > limit) {
    throw new GardenError('INVALID_ARGUMENT', `threads must be an integer in [1, ${limit}], got ${threads}`);
  }
}

// Node's global fetch cannot load the .wasm from a file path, so Node reads it
// from disk; browsers stream it next to the module.
async function moduleOptions(poolSize) {
  const options = { gardenPoolSize: poolSize };
  if (IS_NODE) {
    const { readFile } = await import('node:fs/promises');
    options.wasmBinary = await readFile(new URL('./dist/garden_wasm.wasm', import.meta.url));
  }
  return options;
}

function asGardenError(error) {
  if (error instanceof GardenError) return error;
  if (error && typeof error.code === 'string') return new GardenError(error.code, error.message);
  return error;
}

// Runs a call into wasm. A JS exception thrown from C++ skips the epilogues that
// would restore the wasm stack pointer, so restore it here to keep errors leak-free.
function guarded(module, call) {
  const stack = module.stackSave();
  try {
    return call();
  } catch (error) {
    module.stackRestore(stack);
    throw asGardenError(error);
  }
}

class Model {
  #module;
  #native;

  constructor(module, native) {
    this.#module = module;
    this.#native = native;
  }

  #call(method, ...args) {
    if (!this.#native) throw new GardenError('INVALID_ARGUMENT', 'model was disposed');
    return guarded(this.#module, () => this.#native[method](...args));
  }

  /** [{ name, shape, layout }] with layout 'NCHW', 'NHWC' or 'any'. */
  inputs() { return this.#call('inputs'); }
  outputs() { return this.#call('outputs'); }
  /** Float32Array on the wasm heap; valid until the next call that may allocate. */
  inputView(index = 0) { return this.#call('inputView', index); }
  outputView(index = 0) { return this.#call('outputView', index); }
  run() { this.#call('run'); }
  get threads() { return this.#call('threads'); }
  /** [{ name, milliseconds }] per operator of the last run; needs { profile: true } at load. */
  profile() { return this.#call('profile'); }

  dispose() {
    if (!this.#native) return;
    this.#native.delete();
    this.#native = null;
  }
}

class Garden {
  #module;

  constructor(module, threads) {
    this.#module = module;
    this.threads = threads;
  }

  /**
   * Loads a model (.garden or ONNX bytes). Options: threads (<= the garden's),
   * inputHeight/inputWidth for models with dynamic spatial dims, profile.
   */
  async loadModel(bytes, { threads = this.threads, inputHeight, inputWidth, profile = false } = {}) {
    if (!this.#module) throw new GardenError('INVALID_ARGUMENT', 'garden was disposed');
    checkThreads(threads, this.threads);
    const native = guarded(this.#module, () =>
      new this.#module.Model(bytes, { threads, inputHeight, inputWidth, profile }));
    return new Model(this.#module, native);
  }

  /** Bytes the wasm heap occupies now (it only grows). */
  heapBytes() { return this.#module.wasmMemory.buffer.byteLength; }

  /** Stops the worker threads. Models of this garden must not be used afterwards. */
  dispose() {
    this.#module?.PThread.terminateAllThreads();
    this.#module = null;
  }
}

/**
 * Instantiates the runtime with a pool of `threads - 1` workers (the calling
 * thread does its share of the work). In Node the workers do not keep the
 * process alive.
 */
export async function createGarden({ threads = defaultThreads() } = {}) {
  checkThreads(threads, MAX_THREADS);
  const module = await createGardenModule(await moduleOptions(threads - 1));
  if (IS_NODE) for (const worker of module.PThread.unusedWorkers) worker.unref();
  return new Garden(module, threads);
}
