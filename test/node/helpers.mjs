// Shared by the package's node:test suites: where the built package and the
// fixtures are, the test page image, and rejection capture.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { decodePng } from './png.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The assembled npm package (scripts/build wasm), or GARDEN_WASM_PACKAGE. */
export const PACKAGE = process.env.GARDEN_WASM_PACKAGE ?? path.join(ROOT, 'build/wasm/wasm/package');
export const FIXTURES = process.env.GARDEN_FIXTURE_DIR ?? path.join(ROOT, 'build/fixtures');
/** The native garden-convert (scripts/build native), or GARDEN_CONVERT. */
export const GARDEN_CONVERT = process.env.GARDEN_CONVERT ?? path.join(ROOT, 'build/native/tools/garden-convert');
const CACHE = process.env.GARDEN_CACHE ?? path.join(process.env.HOME ?? '/root', '.cache/model-garden');

export const importPackage = () => import(pathToFileURL(path.join(PACKAGE, 'garden.mjs')).href);

// A test image from a Debian package, in the download cache make-fixtures fills.
function imagePath(packagePrefix, name) {
  const images = path.join(CACHE, 'images');
  const folder = fs.existsSync(images) ? fs.readdirSync(images).find((entry) => entry.startsWith(packagePrefix)) : undefined;
  const file = folder && path.join(images, folder, name);
  assert.ok(file && fs.existsSync(file), `${name} not found under ${images} (run scripts/make-fixtures)`);
  return file;
}

/** skimage's page.png (a scanned page: a title, five lines of text, a line of code). */
export const pagePath = () => imagePath('skimage', 'page.png');
export const readPage = () => decodePng(fs.readFileSync(pagePath()));
/** skimage's chelsea.png (a photo of a cat, 451x300). */
export const chelseaPath = () => imagePath('skimage', 'chelsea.png');
export const readChelsea = () => decodePng(fs.readFileSync(chelseaPath()));
/** A photo of skimage's data (astronaut.png, coffee.png, motorcycle_left.png, chelsea.png), decoded. */
export const readSkimagePhoto = (name) => decodePng(fs.readFileSync(imagePath('skimage', name)));
/** opencv-doc's imageTextN.png (a printed paragraph of 13 lines). */
export const paragraphPath = () => imagePath('opencv-doc', 'imageTextN.png');
export const readParagraph = () => decodePng(fs.readFileSync(paragraphPath()));

/** What a test image says, line by line, written by eye (test/text_recognition/transcriptions). */
export const transcription = (name) =>
  fs.readFileSync(path.join(ROOT, 'test/text_recognition/transcriptions', name), 'utf8').split('\n').filter((line) => line !== '');

/** Levenshtein distance in characters (code points). */
export function editDistance(read, expected) {
  const a = [...read], b = [...expected];
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; ++i) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; ++j) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Edits over the transcription's characters, for lines read in order. */
export function characterErrorRate(texts, expected) {
  assert.equal(texts.length, expected.length, `${texts.length} lines read, ${expected.length} written`);
  const edits = texts.reduce((sum, text, i) => sum + editDistance(text, expected[i]), 0);
  return edits / expected.reduce((sum, line) => sum + [...line].length, 0);
}

/**
 * The package as a user installs it: `npm pack` the built package into
 * `folder`, check the tarball holds what the package loads, and install it
 * into an app there (package.json of type module; no network: the package
 * has no dependencies).
 */
export async function installPackedPackage(folder) {
  const run = promisify(execFile);
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', folder], { cwd: PACKAGE });
  const [{ filename, files }] = JSON.parse(stdout);
  const packed = files.map((file) => file.path);
  for (const needed of ['garden.mjs', 'worker.mjs', 'drawing.mjs', 'index.d.ts', 'dist/garden_wasm.mjs', 'dist/garden_wasm.wasm',
    'dist/garden_wasm.worker.js', 'dist/garden_wasm.worker.txt', 'dist/garden_wasm_st.mjs', 'dist/garden_wasm_st.wasm', 'few_shot.mjs', 'few_shot_search.mjs', 'models/ppocr_det.onnx',
    'models/ppocr_rec.onnx', 'models/ppocr_keys_v1.txt', 'models/ppocr_cls.onnx', 'models/selfie.tflite', 'models/nsfwjs.tfjs']) {
    assert.ok(packed.includes(needed), `${needed} is in the tarball`);
  }
  fs.writeFileSync(path.join(folder, 'package.json'), '{ "name": "app", "private": true, "type": "module" }\n');
  await run('npm', ['install', '--no-audit', '--no-fund', '--offline', path.join(folder, filename)], { cwd: folder });
}

export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}
