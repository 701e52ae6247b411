// Node's built-in modules, imported only where the package runs in Node. The
// import takes its specifier as a variable and is marked for bundlers to
// leave alone: a browser bundle (Vite, webpack) must not try to resolve or
// pack 'node:fs'.
export const IS_NODE = typeof process === 'object' && typeof process.versions?.node === 'string';

export function nodeBuiltin(name) {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name);
}
