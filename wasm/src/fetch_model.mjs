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

/** The bytes at `url`; GardenError NETWORK (unreachable, HTTP error) or IO (file). */
export async function fetchModel(url, { onProgress, cache = true } = {}) {
  const target = toUrl(url);
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new GardenError('INVALID_ARGUMENT', 'onProgress must be a function');
  }
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
  if (store) {
    // Store a copy while reading the other; a failing cache never fails the load.
    store.put(target.href, response.clone()).catch(() => {});
  }
  try {
    return await readBody(response, onProgress);
  } catch (error) {
    throw new GardenError('NETWORK', `download of ${target.href} failed: ${error.message}`);
  }
}
