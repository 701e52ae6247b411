// Shared by the package's node:test suites: where the built package and the
// fixtures are, the test page image, and rejection capture.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { decodePng } from './png.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The assembled npm package (scripts/build wasm), or GARDEN_WASM_PACKAGE. */
export const PACKAGE = process.env.GARDEN_WASM_PACKAGE ?? path.join(ROOT, 'build/wasm/wasm/package');
export const FIXTURES = process.env.GARDEN_FIXTURE_DIR ?? path.join(ROOT, 'build/fixtures');
const CACHE = process.env.GARDEN_CACHE ?? path.join(process.env.HOME ?? '/root', '.cache/model-garden');

export const importPackage = () => import(pathToFileURL(path.join(PACKAGE, 'garden.mjs')).href);

/** skimage's page.png (a scanned page: a title, five lines of text, a line of code), as RGBA. */
export function pagePath() {
  const images = path.join(CACHE, 'images');
  const folder = fs.existsSync(images) ? fs.readdirSync(images).find((name) => name.startsWith('skimage')) : undefined;
  const file = folder && path.join(images, folder, 'page.png');
  assert.ok(file && fs.existsSync(file), `page.png not found under ${images} (run scripts/make-fixtures)`);
  return file;
}

export const readPage = () => decodePng(fs.readFileSync(pagePath()));

export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}
