// The runtime a page downloads (the package's modules and one wasm build,
// brotli q11) stays within its 0.5 MiB budget, threaded and single-thread.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { DOWNLOAD_BUDGET_BYTES, brotliSize, pageFiles } from '../../scripts/lib/download_size.mjs';
import { PACKAGE } from './helpers.mjs';

for (const [threads, wasm] of [[true, 'dist/garden_wasm.wasm'], [false, 'dist/garden_wasm_st.wasm']]) {
  test(`the runtime a page downloads (${path.basename(wasm)}) is at most 0.5 MiB brotli`, () => {
    const files = pageFiles(PACKAGE, { threads });
    const names = files.map((f) => path.relative(PACKAGE, f));
    assert.ok(names.includes('garden.mjs') && names.includes(wasm), `files: ${names.join(', ')}`);
    const { compressed } = brotliSize(files);
    assert.ok(compressed <= DOWNLOAD_BUDGET_BYTES,
      `${(compressed / 2 ** 20).toFixed(3)} MiB brotli, budget 0.5: ${names.join(', ')}`);
  });
}
