// The runtime's dedicated module worker (browser). garden.mjs posts
//   { id, op: 'create' | 'load' | 'call' | 'dispose' | 'heapBytes', ... }
// and receives { id, result } or { id, error: { code, message } }, plus
// { id, progress } while a model downloads.
import { GardenError } from './errors.mjs';
import { createLocalGarden } from './runtime.mjs';

let garden = null;
const objects = new Map();  // handle id -> TextDetector | TextReader | Classifier | Segmenter | Model
let nextHandle = 1;

const LOADERS = ['loadTextDetector', 'loadTextReader', 'loadClassifier', 'loadSegmenter', 'loadModel'];
const METHODS = ['detect', 'read', 'classify', 'embed', 'segment', 'run', 'profile'];

function object(handle) {
  const found = objects.get(handle);
  if (!found) throw new GardenError('DISPOSED', 'this model was disposed');
  return found;
}

// Results posted back: a segmentation's buffers are transferred, not copied.
function transferablesOf(result) {
  if (result?.segmentationMap) {
    return [result.segmentationMap, result.classIds, result.confidence].filter(Boolean).map((array) => array.buffer);
  }
  if (Array.isArray(result) && result[0] instanceof Float32Array) return result.map((array) => array.buffer);
  if (result instanceof Float32Array) return [result.buffer];
  return [];
}

async function handle({ id, op, method, handle: handleId, args = [] }) {
  switch (op) {
    case 'create': {
      garden = await createLocalGarden(args[0]);
      return { threads: garden.threads, build: garden.build, isolated: garden.isolated, version: garden.version };
    }
    case 'load': {
      if (!garden) throw new GardenError('DISPOSED', 'the garden was disposed');
      if (!LOADERS.includes(method)) throw new GardenError('INVALID_ARGUMENT', `unknown loader ${method}`);
      const options = { ...args.at(-1) };
      if (options.onProgress) options.onProgress = (progress) => postMessage({ id, progress });
      const loaded = await garden[method](...args.slice(0, -1), options);
      objects.set(nextHandle, loaded);
      return { handle: nextHandle++, inputs: loaded.inputs, outputs: loaded.outputs, notes: loaded.notes, labels: loaded.labels,
        embeddingSize: loaded.embeddingSize };
    }
    case 'call': {
      if (!METHODS.includes(method)) throw new GardenError('INVALID_ARGUMENT', `unknown method ${method}`);
      const target = object(handleId);
      try {
        return await target[method](...args);
      } finally {
        if (args[0] instanceof ImageBitmap) args[0].close();  // transferred to us: ours to free
      }
    }
    case 'dispose':
      objects.get(handleId)?.dispose();
      objects.delete(handleId);
      return undefined;
    case 'heapBytes':
      return garden ? garden.heapBytes() : 0;
    default:
      throw new GardenError('INVALID_ARGUMENT', `unknown request ${op}`);
  }
}

self.onmessage = async ({ data }) => {
  try {
    const result = await handle(data);
    postMessage({ id: data.id, result }, transferablesOf(result));
  } catch (error) {
    postMessage({ id: data.id, error: { code: error.code ?? 'INTERNAL', message: error.message } });
  }
};
