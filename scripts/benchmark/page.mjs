// The bench page: runs one measurement (runners.mjs) with the runtimes loaded
// from the bench server, and posts the output tensor back to it (too large to
// return through the DevTools protocol as JSON).
import { loadFixture, modelById } from './models.mjs';
import { measure } from './runners.mjs';

function addScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(script);
  });
}

async function loadTf() {
  if (!globalThis.tf?.wasm) {
    await addScript('/node_modules/@tensorflow/tfjs-core/dist/tf-core.min.js');
    await addScript('/node_modules/@tensorflow/tfjs-converter/dist/tf-converter.min.js');
    await addScript('/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js');
    globalThis.tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  }
  const { tf } = globalThis;
  return { tf, converter: tf, wasm: tf.wasm };
}

const PAGE_ENV = {
  importGarden: () => import('/garden/garden.mjs'),
  importOrt: () => import('/node_modules/onnxruntime-web/dist/ort.wasm.bundle.min.mjs'),
  loadTf,
  tfjsThreads: true,  // the page is cross-origin isolated: its threaded build can run
};

async function read(virtual) {
  const response = await fetch(`/data/${virtual}`);
  if (!response.ok) throw new Error(`cannot fetch ${virtual}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

globalThis.runMeasurement = async ({ runtime, modelId, threads, runs, key }) => {
  if (!crossOriginIsolated) return { error: 'the bench page is not cross-origin isolated' };
  const model = modelById(modelId);
  const fixture = await loadFixture(model, read);
  const { output, ...result } = await measure(runtime, fixture, model, threads, runs, PAGE_ENV);
  if (output) await fetch(`/output/${key}`, { method: 'POST', body: output });
  return { ...result, hardwareConcurrency: navigator.hardwareConcurrency };
};
globalThis.benchReady = true;

// --visits: one load of a model by URL in this page, as a visit to a page
// does it (the runtime instantiated anew). `dropImports` empties the cache
// of imports first, leaving the downloads: a second visit as it was before
// imports were cached.
globalThis.measureVisit = async ({ url, threads, height, width, integrity, dropImports }) => {
  if (dropImports) await caches.delete('model-garden-imports-v1');
  const { createGarden } = await import('/garden/garden.mjs');
  const garden = await createGarden({ threads });
  try {
    const start = performance.now();
    const model = await garden.loadModel(url, { warmup: false, integrity, inputHeight: height, inputWidth: width });
    const loadMs = performance.now() - start;
    model.dispose();
    return { loadMs, heapBytes: await garden.heapBytes() };
  } finally {
    garden.dispose();
  }
};
