// Model bytes from a URL: streamed with progress, checked against their
// integrity when it is known, and cached (Cache Storage in browsers, a folder
// in Node) so a second load needs no network. file: URLs (and the package's
// own files) are read from disk in Node.
import { GardenError } from './errors.mjs';
import { IS_NODE, nodeBuiltin } from './node_builtins.mjs';

// Downloads, and what the runtime imported of them (import_cache.mjs).
const CACHE_NAMES = { models: 'model-garden-models-v1', imports: 'model-garden-imports-v1' };
// Cache Storage keys are http(s) URLs: a file known by its checksum is kept
// under this made-up origin, whatever URL it came from.
const CHECKSUM_KEY_PREFIX = 'https://checksum.model-garden.invalid/';

function toUrl(url) {
  try {
    return new URL(url, globalThis.location?.href);
  } catch {
    throw new GardenError('INVALID_ARGUMENT', `not a URL: ${url}`);
  }
}

// -- integrity (subresource integrity strings: "sha256-BASE64", ...) ---------

const DIGESTS = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

/** The SRI strings of an integrity value: space-separated, each "ALGO-BASE64"; any one may match. */
function parseIntegrity(integrity) {
  return String(integrity).trim().split(/\s+/).map((token) => {
    const [, algorithm, digest] = /^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})$/.exec(token) ?? [];
    if (!algorithm) throw new GardenError('INVALID_ARGUMENT', `integrity '${token}' is not "sha256-", "sha384-" or "sha512-" and a base64 digest`);
    return { algorithm, digest };
  });
}

/**
 * The integrity the file at `target` must have: `integrity` itself when it
 * is a string (the file the URL names), else its entry for the file's name
 * (the last segment of its path: "model.json", "group1-shard1of2.bin").
 */
function integrityFor(integrity, target, isMainFile) {
  if (integrity === undefined) return undefined;
  if (typeof integrity === 'string') return isMainFile ? integrity : undefined;
  const name = decodeURIComponent(target.pathname.split('/').at(-1));
  return Object.hasOwn(integrity, name) ? integrity[name] : undefined;
}

function checkIntegrityOption(integrity) {
  if (integrity === undefined) return;
  const values = typeof integrity === 'string' ? [integrity]
    : integrity !== null && typeof integrity === 'object' ? Object.values(integrity) : null;
  if (!values || values.some((value) => typeof value !== 'string')) {
    throw new GardenError('INVALID_ARGUMENT', 'integrity must be an SRI string ("sha256-...") or an object of them by file name');
  }
  values.forEach(parseIntegrity);
  if (!globalThis.crypto?.subtle) {
    throw new GardenError('INVALID_ARGUMENT', 'integrity needs Web Crypto (crypto.subtle), which only secure contexts (https, localhost) have');
  }
}

const hex = (bytes) => [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');

/** The SHA-256 of `bytes` as 64 hex digits. */
export async function sha256Hex(bytes) {
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

/**
 * The SHA-256 an integrity string states, as 64 hex digits, when it is one
 * "sha256-" token (so any file that matched it has that hash); else null.
 */
export function sha256HexOfIntegrity(integrity) {
  if (typeof integrity !== 'string') return null;
  const tokens = parseIntegrity(integrity);
  if (tokens.length !== 1 || tokens[0].algorithm !== 'sha256') return null;
  const digest = Uint8Array.from(atob(tokens[0].digest), (c) => c.charCodeAt(0));
  return digest.length === 32 ? hex(digest) : null;
}

function base64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** Throws INTEGRITY unless `bytes` match one of the hashes of `integrity`. */
async function verify(bytes, integrity, target) {
  for (const { algorithm, digest } of parseIntegrity(integrity)) {
    const actual = base64(new Uint8Array(await crypto.subtle.digest(DIGESTS[algorithm], bytes)));
    if (actual === digest) return;
  }
  throw new GardenError('INTEGRITY', `${target.href} does not match its integrity ${integrity}: refused, and not cached`);
}

// -- caches: Cache Storage in browsers, a folder in Node ----------------------

/** Where Node keeps downloaded models: $XDG_CACHE_HOME or ~/.cache, then model-garden/models. */
async function defaultCacheDir() {
  const { homedir } = await nodeBuiltin('node:os');
  const { join } = await nodeBuiltin('node:path');
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'model-garden', 'models');
}

class BrowserCache {
  constructor(store) { this.store = store; }

  async get(key) {
    const response = await this.store.match(key);
    return response ? new Uint8Array(await response.arrayBuffer()) : null;
  }

  async put(key, bytes) {
    await this.store.put(key, new Response(bytes, { headers: { 'Content-Length': String(bytes.length) } }));
  }

  delete(key) { return this.store.delete(key); }
}

/** One file per entry, named by the SHA-256 of its key; written to a temporary name, then renamed. */
class FolderCache {
  constructor(folder) { this.folder = folder; }

  async #path(key) {
    const { join } = await nodeBuiltin('node:path');
    return join(this.folder, await sha256Hex(new TextEncoder().encode(key)));
  }

  async get(key) {
    const { readFile } = await nodeBuiltin('node:fs/promises');
    try {
      return new Uint8Array(await readFile(await this.#path(key)));
    } catch {
      return null;
    }
  }

  async put(key, bytes) {
    const { mkdir, rename, writeFile } = await nodeBuiltin('node:fs/promises');
    const file = await this.#path(key);
    await mkdir(this.folder, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, file);
  }

  async delete(key) {
    const { rm } = await nodeBuiltin('node:fs/promises');
    await rm(await this.#path(key), { force: true });
  }
}

/** The downloads' cache (kind 'models') or the imports' ('imports': in Node, a folder inside the downloads'). */
export async function openCache({ cache, cacheDir }, kind = 'models') {
  if (!cache) return null;
  if (IS_NODE) {
    const folder = cacheDir ?? await defaultCacheDir();
    return new FolderCache(kind === 'imports' ? (await nodeBuiltin('node:path')).join(folder, 'imports') : folder);
  }
  if (typeof caches === 'undefined') return null;
  try {
    return new BrowserCache(await caches.open(CACHE_NAMES[kind]));
  } catch {
    return null;  // opaque origins and some private modes have no Cache Storage
  }
}

/** Empties the model cache (downloads and imports): Cache Storage in browsers, the cache folder in Node. */
export async function clearModelCache({ cacheDir } = {}) {
  if (IS_NODE) {
    const { rm } = await nodeBuiltin('node:fs/promises');
    await rm(cacheDir ?? await defaultCacheDir(), { recursive: true, force: true });
  } else if (typeof caches !== 'undefined') {
    for (const name of Object.values(CACHE_NAMES)) await caches.delete(name);
  }
}

async function readFileUrl(url, onProgress) {
  const { readFile } = await nodeBuiltin('node:fs/promises');
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

/**
 * The model at `url` as one buffer the runtime loads: the file's bytes, or for
 * a TF.js model.json, the bundle of it and the weight files it names (see
 * garden::load_model_bytes).
 *
 * Options: onProgress; cache (default true: Cache Storage in browsers, the
 * cacheDir folder in Node); integrity (see integrityFor: a file that does not
 * match is refused with INTEGRITY and never cached; a file known by its
 * checksum is cached under it); fetch (what fetches http(s) URLs, default the
 * global fetch: for auth headers, proxies, tests).
 * GardenError NETWORK (unreachable, HTTP error), IO (file), INTEGRITY.
 */
export async function fetchModel(url, { onProgress, cache = true, integrity, fetch: fetcher = globalThis.fetch, cacheDir } = {}) {
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new GardenError('INVALID_ARGUMENT', 'onProgress must be a function');
  }
  checkIntegrityOption(integrity);
  const target = toUrl(url);
  const context = { store: await openCache({ cache, cacheDir }), integrity, fetcher };
  const bytes = await fetchFile(target, { ...context, onProgress, isMainFile: true });
  const paths = tfjsWeightPaths(bytes);
  if (paths.length === 0) return bytes;
  // The weight files sit beside model.json; progress counts their bytes on.
  const files = [];
  let before = bytes.length;
  for (const path of paths) {
    const progress = onProgress && (({ loaded }) => onProgress({ loaded: before + loaded, total: 0 }));
    const file = await fetchFile(new URL(path, target), { ...context, onProgress: progress, isMainFile: false });
    before += file.length;
    files.push(file);
  }
  onProgress?.({ loaded: before, total: before });
  return tfjsBundle(bytes, files);
}

/** Whether `bytes` start, after white space, with '{': a TF.js model.json (or a bundle of one). */
export function isJsonObject(bytes) {
  let first = 0;
  while (first < bytes.length && ' \t\r\n'.includes(String.fromCharCode(bytes[first]))) ++first;
  return bytes[first] === 0x7b;
}

/**
 * The weight file paths of a TF.js model.json, or [] for anything else (an
 * ONNX, TFLite or .garden file, or a model.json bundled with its weights
 * already, as the package ships nsfwjs).
 */
export function tfjsWeightPaths(bytes) {
  if (!isJsonObject(bytes)) return [];  // ONNX, TFLite, .garden
  if (bytes.includes(0)) return [];  // JSON ends at a NUL: a bundle (see tfjsBundle)
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
export function tfjsBundle(json, files) {
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

async function fetchFile(target, { store, integrity, fetcher, onProgress, isMainFile }) {
  const expected = integrityFor(integrity, target, isMainFile);
  if (typeof integrity === 'object' && expected === undefined) {
    throw new GardenError('INVALID_ARGUMENT', `integrity has no entry for ${target.pathname.split('/').at(-1)} (${target.href})`);
  }
  if (target.protocol === 'file:' && IS_NODE) {
    const bytes = await readFileUrl(target, onProgress);
    if (expected) await verify(bytes, expected, target);
    return bytes;
  }
  const key = expected ? CHECKSUM_KEY_PREFIX + encodeURIComponent(expected) : target.href;
  const cached = await store?.get(key).catch(() => null);
  if (cached) {
    try {
      if (expected) await verify(cached, expected, target);
      onProgress?.({ loaded: cached.length, total: cached.length });
      return cached;
    } catch {
      await store.delete(key).catch(() => {});  // a damaged entry: dropped, and fetched again
    }
  }
  if (typeof fetcher !== 'function') throw new GardenError('NETWORK', `cannot fetch ${target.href}: no fetch() here`);
  let response;
  try {
    response = await fetcher(target.href);
  } catch (error) {
    throw new GardenError('NETWORK', `cannot fetch ${target.href}: ${error.message}`);
  }
  if (!response?.ok) throw new GardenError('NETWORK', `cannot fetch ${target.href}: HTTP ${response?.status}`);
  let bytes;
  try {
    bytes = await readBody(response, onProgress);
  } catch (error) {
    throw new GardenError('NETWORK', `download of ${target.href} failed: ${error.message}`);
  }
  if (expected) await verify(bytes, expected, target);
  // Stored before the load resolves, so a garden disposed right after (its
  // worker ended) still leaves the entry; a failing cache never fails the load.
  try {
    await store?.put(key, bytes);
  } catch {
    // quota exceeded, private mode, a read-only folder: the model still loads, just not offline
  }
  return bytes;
}
