// One runner per runtime (garden, onnxruntime-web, tfjs-backend-wasm) with the
// same shape: load(), run(), output(), heapBytes(), dispose(); and measure(),
// which times one of them. Environment-neutral: `env` says how to import each
// runtime (Node: from node_modules on disk; a page: from the bench server).
//
// Every runner copies the input in and the output out on each run, as its
// public API does (garden's model.run, ORT's session.run, tfjs's execute +
// data()), so the timed work is the same for all three.

export class GardenRunner {
  async load(fixture, model, threads, env) {
    const { createGarden } = await env.importGarden();
    // worker: false keeps the runtime on this thread, as the peers run.
    this.garden = await createGarden({ threads, worker: false });
    const size = model.dynamic ? { inputHeight: model.height, inputWidth: model.width } : {};
    this.model = await this.garden.loadModel(fixture.gardenBytes, { threads, ...size });
    this.inputs = [fixture.input];
  }

  async run() { [this.result] = await this.model.run(this.inputs); }
  output() { return this.result; }
  heapBytes() { return this.garden.heapBytes(); }

  dispose() {
    this.model?.dispose();
    this.garden?.dispose();
  }
}

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

export class OrtRunner {
  async load(fixture, model, threads, env) {
    const memories = captureWasmMemories();
    try {
      this.ort = await env.importOrt();
      this.ort.env.wasm.numThreads = threads;
      this.session = await this.ort.InferenceSession.create(fixture.onnxBytes, {
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

function concatBytes(buffers) {
  const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) { out.set(b, offset); offset += b.byteLength; }
  return out.buffer;
}

export class TfjsRunner {
  async load(fixture, model, threads, env) {
    const { tf, converter, wasm } = await env.loadTf();
    if (threads > 1 && !env.tfjsThreads) throw new Error('tfjs-backend-wasm has no threads here');
    if (env.tfjsThreads) wasm.setThreadsCount(threads);
    await tf.setBackend('wasm');
    await tf.ready();
    this.tf = tf;
    const { json, shards } = fixture.tfjs;
    this.model = await converter.loadGraphModel({
      load: async () => ({
        modelTopology: json.modelTopology,
        format: json.format,
        signature: json.signature,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData: concatBytes(shards),
      }),
    });
    this.input = fixture.input;
    this.shape = fixture.inputShape;
  }

  async run() {
    const x = this.tf.tensor(this.input, this.shape, 'float32');
    const y = this.model.execute(x);
    this.result = await y.data();
    x.dispose();
    y.dispose();
  }

  output() { return this.result; }
  heapBytes() { return this.tf.backend().wasm.HEAPU8.buffer.byteLength; }

  dispose() {
    this.model?.dispose();
  }
}

export const RUNNERS = { garden: GardenRunner, ort: OrtRunner, tfjs: TfjsRunner };

export const TARGET_RUNS = 20;
export const TIMED_BUDGET_MS = 15000;  // runs over 1 s get fewer timed runs (at least 3)
export const MIN_RUNS = 3;

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

/**
 * Times `runner` (load(), run(), dispose()): its load, its first run, one
 * warm-up run, then the timed runs; `cpuUsage` (Node only) measures how much
 * CPU the runs got. `report(runner, timing)` adds what the caller keeps from
 * the runner. Returns a plain object (errors included) that can be posted
 * between threads or out of a page; the runner is disposed of either way.
 */
export async function timeRunner(runner, load, targetRuns, cpuUsage, report) {
  try {
    const loadMs = await timed(load);
    const firstMs = await timed(() => runner.run());
    const warmMs = await timed(() => runner.run());
    const runs = warmMs > 1000 ? Math.max(MIN_RUNS, Math.min(targetRuns, Math.floor(TIMED_BUDGET_MS / warmMs))) : targetRuns;
    const times = [];
    const cpuStart = cpuUsage?.();
    for (let i = 0; i < runs; ++i) times.push(await timed(() => runner.run()));
    const cpu = cpuUsage?.(cpuStart);
    const wall = times.reduce((a, b) => a + b, 0);
    const timing = { loadMs, firstMs, medianMs: median(times), runs, requestedRuns: targetRuns,
      cpuPerWall: cpu ? (cpu.user + cpu.system) / 1000 / wall : NaN };
    return { ...timing, ...await report(runner) };
  } catch (error) {
    return { error: error.code ? `${error.code}: ${error.message}` : String(error.message ?? error) };
  } finally {
    runner.dispose();
  }
}

/** One runtime on one model: timeRunner with its heap size and output. */
export function measure(runtime, fixture, model, threads, targetRuns, env) {
  const runner = new RUNNERS[runtime]();
  return timeRunner(runner, () => runner.load(fixture, model, threads, env), targetRuns, env.cpuUsage,
    async (r) => ({ heapBytes: await r.heapBytes(), output: Float32Array.from(r.output()) }));
}
