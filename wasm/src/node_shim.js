// Prepended to the generated ES module (--extern-pre-js). The Emscripten
// runtime reads `require` and `__dirname` when it runs under Node, and an ES
// module has neither, so provide them there; browsers and workers skip this.
const gardenIsNode = typeof process === 'object' && typeof process.versions?.node === 'string';
const require = gardenIsNode
  ? (await import('node:module')).createRequire(import.meta.url)
  : undefined;
const __dirname = gardenIsNode
  ? (await import('node:path')).dirname((await import('node:url')).fileURLToPath(import.meta.url))
  : '';
