// Writes a small WebAssembly module into an ES module as base64, so that it
// loads with the package's JS (no fetch, nothing for a bundler to move) and
// compiles synchronously (few_shot.mjs: the few-shot search module).
//
//   node embed_wasm.mjs MODULE.wasm OUT.mjs EXPORT_NAME SOURCE
import fs from 'node:fs';

const [input, output, name, source] = process.argv.slice(2);
if (!source) throw new Error('usage: node embed_wasm.mjs MODULE.wasm OUT.mjs EXPORT_NAME SOURCE');
const bytes = fs.readFileSync(input);
// Browsers compile a module on the main thread synchronously only below 4 KiB.
if (bytes.length > 4096) throw new Error(`${input} is ${bytes.length} bytes: too large to compile synchronously`);
fs.writeFileSync(output, `// Generated from ${source} by wasm/tools/embed_wasm.mjs: do not edit.\n` +
  `export const ${name} = '${bytes.toString('base64')}';\n`);
