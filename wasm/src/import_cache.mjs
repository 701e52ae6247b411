// The cache of imports: what the runtime made of a model file fetched by
// URL (its graph, imported and optimized, as a .garden file), kept beside the
// downloads (Cache Storage in browsers, the cache folder in Node), so that
// a later load of the same file, in this page or on a later visit, reads the
// .garden file instead of importing the ONNX, TF.js or TFLite file again.
//
// An entry is keyed by the file's SHA-256 (read from its integrity when the
// fetch checked one) and the runtime's version (the .garden format and the
// package: another runtime imports anew), and holds
// one .garden file per import of it: an input size and a weight storage
// ("48x640-f32"; the text reader imports its recognizer at four widths),
// listed in the entry's index. The runtime reads the variants it needs
// through get() and gives those it imported to put() during the load (both
// synchronous, from wasm); save() writes the new ones after it.
import { isJsonObject, openCache, sha256Hex, sha256HexOfIntegrity } from './fetch_model.mjs';

const KEY_PREFIX = 'https://imports.model-garden.invalid/';

/** Whether `bytes` are a .garden file already (its FlatBuffers identifier "GRDN"). */
function isGarden(bytes) {
  return bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === 'GRDN';
}

export class ImportCache {
  #store;
  #prefix;
  #found;
  #made = new Map();

  constructor(store, prefix, found) {
    this.#store = store;
    this.#prefix = prefix;
    this.#found = found;
  }

  /**
   * The imports of the model in `bytes` that earlier loads kept, by
   * `runtimeVersion` (the module's importCacheVersion()); null where nothing
   * can be kept (cache off or unavailable, no Web Crypto, a .garden file).
   * `integrity`: the fetch's, which these bytes matched.
   */
  static async open(bytes, runtimeVersion, { cache = true, cacheDir, integrity } = {}) {
    if (!cache || !globalThis.crypto?.subtle || isGarden(bytes)) return null;
    try {
      const store = await openCache({ cache, cacheDir }, 'imports');
      if (!store) return null;
      // The fetch checked the bytes against their integrity: when it states
      // the SHA-256, the file need not be hashed again (114 MB for PSENet).
      // Not for a TF.js model.json: its integrity covers model.json, and the
      // bytes here carry its weight files too.
      const stated = isJsonObject(bytes) ? null : sha256HexOfIntegrity(integrity);
      const sha256 = stated ?? await sha256Hex(bytes);
      const prefix = `${KEY_PREFIX}${encodeURIComponent(runtimeVersion)}/${sha256}/`;
      const found = new Map();
      for (const variant of await readIndex(store, prefix)) {
        const file = await store.get(prefix + variant).catch(() => null);
        if (file) found.set(variant, file);
      }
      return new ImportCache(store, prefix, found);
    } catch {
      return null;  // a failing cache never fails the load: the model is imported
    }
  }

  /** The variants kept before this load ("48x640-f32", ...). */
  get variants() { return [...this.#found.keys()]; }

  /** The .garden file of `variant`, or undefined. Called by the runtime. */
  get(variant) { return this.#found.get(variant); }

  /** Keeps a copy of `garden` (a view on wasm memory) as `variant`. Called by the runtime. */
  put(variant, garden) { this.#made.set(variant, garden.slice()); }

  /** Writes the variants imported during the load, and the index of all; never throws. */
  async save() {
    if (this.#made.size === 0) return;
    try {
      for (const [variant, file] of this.#made) await this.#store.put(this.#prefix + variant, file);
      const variants = [...new Set([...this.#found.keys(), ...this.#made.keys()])];
      await this.#store.put(this.#prefix + 'index.json', new TextEncoder().encode(JSON.stringify(variants)));
    } catch {
      // quota exceeded, a read-only folder: the next load imports again
    }
    this.#made.clear();
  }
}

async function readIndex(store, prefix) {
  const index = await store.get(prefix + 'index.json').catch(() => null);
  if (!index) return [];
  try {
    const variants = JSON.parse(new TextDecoder().decode(index));
    return Array.isArray(variants) ? variants.filter((variant) => typeof variant === 'string') : [];
  } catch {
    return [];
  }
}
