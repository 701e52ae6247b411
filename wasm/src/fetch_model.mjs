// Model bytes from a URL: streamed with progress, kept in Cache Storage in
// browsers so a second visit loads offline. file: URLs (and the package's own
// files) are read from disk in Node.
import { GardenError } from './errors.mjs';

const IS_NODE = typeof process === 'object' && typeof process.versions?.node === 'string';
const CACHE_NAME = 'model-garden-models-v1';

function toUrl(url) {
  try {
    return new URL(url, globalThis.location?.href);
  } catch {
    throw new GardenError('INVALID_ARGUMENT', `not a URL: ${url}`);
  }
}

async function readFileUrl(url, onProgress) {
  const { readFile } = await import('node:fs/promises');
  try {
    const bytes = new Uint8Array(await readFile(url));
    onProgress?.({ loaded: bytes.length, total: bytes.length });
    return bytes;
  } catch (error) {
    throw new GardenError('IO', `cannot read ${url.pathname}: ${error.message}`);
  }
}

async function readBody(response, onProgress) {
  const total = Number(response.headers.get('content-length')) || 0;
  if (!response.body || !onProgress) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress?.({ loaded: bytes.length, total: bytes.length });
    return bytes;
  }
  const chunks = [];
  let loaded = 0;
  for (const reader = response.body.getReader(); ;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress({ loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) { bytes.set(chunk, offset); offset += chunk.length; }
  onProgress({ loaded, total: loaded });
  return bytes;
}

async function openCache(enabled) {
  if (!enabled || IS_NODE || typeof caches === 'undefined') return null;
  try {
    return await caches.open(CACHE_NAME);
  } catch {
    return null;  // opaque origins and some private modes have no Cache Storage
  }
}

/**
 * The model at `url` as one buffer the runtime loads: the file's bytes, or for
 * a TF.js model.json, the bundle of it and the weight files it names (see
 * garden::load_model_bytes). GardenError NETWORK (unreachable, HTTP error) or IO (file).
 */
export async function fetchModel(url, { onProgress, cache = true } = {}) {
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new GardenError('INVALID_ARGUMENT', 'onProgress must be a function');
  }
  const target = toUrl(url);
  const bytes = await fetchFile(target, { onProgress, cache });
  const paths = tfjsWeightPaths(bytes);
  if (paths.length === 0) return bytes;
  // The weight files sit beside model.json; progress counts their bytes on.
  const files = [];
  let before = bytes.length;
  for (const path of paths) {
    const progress = onProgress && (({ loaded }) => onProgress({ loaded: before + loaded, total: 0 }));
    const file = await fetchFile(new URL(path, target), { onProgress: progress, cache });
    before += file.length;
    files.push(file);
  }
  onProgress?.({ loaded: before, total: before });
  return tfjsBundle(bytes, files);
}

/** The weight file paths of a TF.js model.json, or [] for anything else. */
function tfjsWeightPaths(bytes) {
  let first = 0;
  while (first < bytes.length && ' \t\r\n'.includes(String.fromCharCode(bytes[first]))) ++first;
  if (bytes[first] !== 0x7b) return [];  // not a JSON object: ONNX, TFLite, .garden
  let manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes)).weightsManifest;
  } catch (error) {
    throw new GardenError('INVALID_MODEL', `model.json is not valid JSON: ${error.message}`);
  }
  if (!Array.isArray(manifest)) return [];
  return manifest.flatMap((group) => (Array.isArray(group?.paths) ? group.paths.map(String) : []));
}

/** model.json, a NUL byte, then each weight file as a uint64 LE length and its bytes. */
function tfjsBundle(json, files) {
  const size = json.length + 1 + files.reduce((sum, file) => sum + 8 + file.length, 0);
  const bundle = new Uint8Array(size);
  const view = new DataView(bundle.buffer);
  bundle.set(json, 0);
  let offset = json.length + 1;  // bundle[json.length] is the NUL
  for (const file of files) {
    view.setBigUint64(offset, BigInt(file.length), true);
    bundle.set(file, offset + 8);
    offset += 8 + file.length;
  }
  return bundle;
}

async function fetchFile(target, { onProgress, cache }) {
  if (target.protocol === 'file:' && IS_NODE) return readFileUrl(target, onProgress);
  const store = await openCache(cache);
  const cached = await store?.match(target.href);
  if (cached) return readBody(cached, onProgress);
  let response;
  try {
    response = await fetch(target.href);
  } catch (error) {
    throw new GardenError('NETWORK', `cannot fetch ${target.href}: ${error.message}`);
  }
  if (!response.ok) throw new GardenError('NETWORK', `cannot fetch ${target.href}: HTTP ${response.status}`);
  let bytes;
  try {
    bytes = await readBody(response, onProgress);
  } catch (error) {
    throw new GardenError('NETWORK', `download of ${target.href} failed: ${error.message}`);
  }
  // Stored before the load resolves, so a garden disposed right after (its
  // worker ended) still leaves the entry; a failing cache never fails the load.
  try {
    await store?.put(target.href, new Response(bytes, { headers: { 'Content-Length': String(bytes.length) } }));
  } catch {
    // quota exceeded, private mode: the model still loads, just not offline
  }
  return bytes;
}
