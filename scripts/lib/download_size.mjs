// What a page downloads to run the package, and its size brotli-compressed
// (quality 11, as a static server would precompress it). One home for the
// benchmark's "Runtime download size" table and the test that holds the
// runtime to its budget.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** The budget: the package's modules and one wasm build, brotli q11, at most 0.5 MiB. */
export const DOWNLOAD_BUDGET_BYTES = 0.5 * 2 ** 20;

/**
 * The files a page loads from the assembled package in `packageDir`: every
 * module of the package (garden.mjs and what it imports) plus the threaded
 * or the single-thread wasm build. Files a build did not produce are left out.
 */
export function pageFiles(packageDir, { threads = true } = {}) {
  const modules = fs.readdirSync(packageDir).filter((f) => f.endsWith('.mjs'));
  const build = threads
    ? ['dist/garden_wasm.mjs', 'dist/garden_wasm.worker.txt', 'dist/garden_wasm.wasm']
    : ['dist/garden_wasm_st.mjs', 'dist/garden_wasm_st.wasm'];
  return existingFiles(packageDir, [...modules, ...build]);
}

/** `files` (relative to `dir`) that exist, as paths. */
export function existingFiles(dir, files) {
  return files.map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f));
}

// Brotli q11 of a 100 MB model takes minutes: each file is compressed once.
const compressedSizes = new Map();

/** The files' total size, raw and brotli q11, in bytes. */
export function brotliSize(files) {
  let raw = 0;
  let compressed = 0;
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    raw += bytes.length;
    if (!compressedSizes.has(file)) {
      compressedSizes.set(file, zlib.brotliCompressSync(bytes, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
      }).length);
    }
    compressed += compressedSizes.get(file);
  }
  return { raw, compressed };
}
