// The cache of imports: a model fetched by URL is kept as the runtime
// imported it (a .garden file per input size and weight storage), and a
// later load reads that instead of importing the file again. These tests
// look into the cache through import_cache.mjs, the module the runtime uses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { FIXTURES, GARDEN_CONVERT, PACKAGE, importPackage, readPage } from './helpers.mjs';

const { createGarden } = await importPackage();
const { ImportCache } = await import(pathToFileURL(path.join(PACKAGE, 'import_cache.mjs')).href);

const folders = [];
after(() => folders.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));
function cacheFolder() {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'model-garden-imports-'));
  folders.push(folder);
  return folder;
}

const fixture = (name) => path.join(FIXTURES, name);
const SELFIE = fixture('selfie_tflite/model.tflite');
const DIRECTION = fixture('ppocr_cls/model.onnx');  // dynamic height and width
const isGarden = (bytes) => Buffer.from(bytes.subarray(4, 8)).toString('latin1') === 'GRDN';

/** The cache of imports of the file at `file`, as `garden`'s loads see it. */
const importsOf = (file, garden, cacheDir) => ImportCache.open(fs.readFileSync(file), garden.version, { cacheDir });

/** The variants the cache holds for the file at `file`, and their bytes. */
async function cached(file, garden, cacheDir) {
  const imports = await importsOf(file, garden, cacheDir);
  return Object.fromEntries(imports.variants.map((variant) => [variant, imports.get(variant)]));
}

/** Keeps `bytes` as the import `variant` of the file at `file`, as a load would. */
async function plant(file, variant, bytes, garden, cacheDir) {
  const imports = await importsOf(file, garden, cacheDir);
  imports.put(variant, bytes);
  await imports.save();
}

function patterned(shape) {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; ++i) values[i] = Math.sin(i * 0.37) * 0.5 + 0.5;
  return values;
}

async function outputsOf(garden, url, options) {
  const model = await garden.loadModel(url, { warmup: false, ...options });
  try {
    return { inputs: model.inputs.map(({ shape }) => shape), outputs: await model.run(model.inputs.map(({ shape }) => patterned(shape))) };
  } finally {
    model.dispose();
  }
}

test('a model loaded by URL is kept as imported, and read back with the same results', { timeout: 120_000 }, async () => {
  const cacheDir = cacheFolder();
  const garden = await createGarden({ threads: 1, cacheDir });
  try {
    assert.match(garden.version, /^garden\d+-\d+\.\d+\.\d+/);
    assert.deepEqual(await cached(SELFIE, garden, cacheDir), {}, 'an empty cache');
    const first = await outputsOf(garden, pathToFileURL(SELFIE));
    const kept = await cached(SELFIE, garden, cacheDir);
    assert.deepEqual(Object.keys(kept), ['0x0-f32'], 'one import: the model\'s own size, float32 weights');
    assert.ok(isGarden(kept['0x0-f32']), 'kept as a .garden file');
    const second = await outputsOf(garden, pathToFileURL(SELFIE));
    assert.deepEqual(second, first, 'the same results from the kept import, to the bit');

    // quantize: 'int8' and an input size are imports of their own.
    await outputsOf(garden, pathToFileURL(SELFIE), { quantize: 'int8' });
    await outputsOf(garden, pathToFileURL(DIRECTION), { inputHeight: 48, inputWidth: 192 });
    assert.deepEqual(Object.keys(await cached(SELFIE, garden, cacheDir)).sort(), ['0x0-f32', '0x0-int8']);
    assert.deepEqual(Object.keys(await cached(DIRECTION, garden, cacheDir)), ['48x192-f32']);

    await garden.clearCache();
    assert.deepEqual(await cached(SELFIE, garden, cacheDir), {}, 'clearCache() empties it');
  } finally {
    garden.dispose();
  }
});

test('a later load reads the kept import instead of the file; a damaged one is imported again', { timeout: 120_000 }, async () => {
  const cacheDir = cacheFolder();
  const garden = await createGarden({ threads: 1, cacheDir });
  try {
    const selfie = await outputsOf(garden, pathToFileURL(SELFIE));
    const direction = await outputsOf(garden, pathToFileURL(DIRECTION), { inputHeight: 48, inputWidth: 192 });
    assert.notDeepEqual(selfie.inputs, direction.inputs);

    // The selfie segmenter's import, kept under the direction classifier's
    // file: what loads is the selfie segmenter, so the file was not imported.
    const selfieGarden = (await cached(SELFIE, garden, cacheDir))['0x0-f32'];
    await plant(DIRECTION, '48x192-f32', selfieGarden, garden, cacheDir);
    assert.deepEqual(await outputsOf(garden, pathToFileURL(DIRECTION), { inputHeight: 48, inputWidth: 192 }), selfie);

    // Damaged: not a .garden file, or a truncated one. The file is imported
    // again, and its import replaces the damaged entry.
    for (const damaged of [new TextEncoder().encode('not a model'), selfieGarden.subarray(0, selfieGarden.length >> 1)]) {
      await plant(DIRECTION, '48x192-f32', damaged, garden, cacheDir);
      assert.deepEqual(await outputsOf(garden, pathToFileURL(DIRECTION), { inputHeight: 48, inputWidth: 192 }), direction);
      const [kept] = Object.values(await cached(DIRECTION, garden, cacheDir));
      assert.ok(isGarden(kept) && kept.length > damaged.length, 'replaced by the import');
    }
  } finally {
    garden.dispose();
  }
});

test('nothing is kept for models given as bytes, with { cache: false }, or already .garden files', { timeout: 120_000 }, async () => {
  const cacheDir = cacheFolder();
  const garden = await createGarden({ threads: 1, cacheDir });
  try {
    await outputsOf(garden, fs.readFileSync(SELFIE));
    await outputsOf(garden, pathToFileURL(SELFIE), { cache: false });
    assert.deepEqual(await cached(SELFIE, garden, cacheDir), {});
    assert.equal(fs.existsSync(path.join(cacheDir, 'imports')), false, 'no imports folder');

    await outputsOf(garden, pathToFileURL(SELFIE));
    const gardenFile = path.join(cacheFolder(), 'selfie.garden');
    fs.writeFileSync(gardenFile, (await cached(SELFIE, garden, cacheDir))['0x0-f32']);
    await outputsOf(garden, pathToFileURL(gardenFile));
    assert.equal(await importsOf(gardenFile, garden, cacheDir), null, 'a .garden file has no imports');
  } finally {
    garden.dispose();
  }
});

// The text reader imports its recognizer once per width: each is kept, and a
// second load reads the page as the first did.
test('the text reader keeps its detector and each width of its recognizer', { timeout: 180_000 }, async () => {
  const cacheDir = cacheFolder();
  const garden = await createGarden({ threads: 2, cacheDir });
  const page = readPage();
  const read = async () => {
    const reader = await garden.loadTextReader({ recognizerWidth: 640, warmup: false });
    try {
      return await reader.read(page);
    } finally {
      reader.dispose();
    }
  };
  try {
    const first = await read();
    assert.equal(first.length, 7, 'the 7 lines of page.png');
    const detector = await cached(path.join(PACKAGE, 'models/ppocr_det.onnx'), garden, cacheDir);
    const recognizer = await cached(path.join(PACKAGE, 'models/ppocr_rec.onnx'), garden, cacheDir);
    assert.deepEqual(Object.keys(detector), ['640x640-f32']);
    assert.deepEqual(Object.keys(recognizer).sort(), ['48x320-f32', '48x640-f32']);
    assert.deepEqual(await read(), first);
  } finally {
    garden.dispose();
  }
});

test('a file whose sha256 integrity was checked is keyed by it, not hashed again', { timeout: 120_000 }, async () => {
  const cacheDir = cacheFolder();
  const garden = await createGarden({ threads: 1, cacheDir });
  try {
    const bytes = fs.readFileSync(SELFIE);
    const sha256 = (data) => crypto.createHash('sha256').update(data).digest('base64');
    const open = (data, integrity) => ImportCache.open(data, garden.version, { cacheDir, integrity });
    const planted = new Uint8Array([1, 2, 3]);

    // The true checksum: the same key as hashing gives, so both find one entry.
    const hashed = await open(bytes);
    hashed.put('0x0-f32', planted);
    await hashed.save();
    assert.deepEqual((await open(bytes, `sha256-${sha256(bytes)}`)).get('0x0-f32'), planted);

    // Another file's checksum finds nothing: the key came from the integrity,
    // the bytes were not hashed.
    const other = `sha256-${sha256(Buffer.from('another file'))}`;
    assert.equal((await open(bytes, other)).get('0x0-f32'), undefined);

    // Not taken from: an object by file name, other algorithms, two tokens,
    // or a model.json (its integrity does not cover its weights).
    const sha384 = `sha384-${crypto.createHash('sha384').update(Buffer.from('x')).digest('base64')}`;
    for (const integrity of [{ 'model.tflite': other }, sha384, `${other} ${sha384}`]) {
      assert.deepEqual((await open(bytes, integrity)).get('0x0-f32'), planted, JSON.stringify(integrity));
    }
    for (const text of ['{"modelTopology": {}}', ' \n{"modelTopology": {}}']) {
      const json = new TextEncoder().encode(text);
      const byJson = await open(json);
      byJson.put('0x0-f32', planted);
      await byJson.save();
      assert.deepEqual((await open(json, other)).get('0x0-f32'), planted, JSON.stringify(text));
    }

  } finally {
    garden.dispose();
  }
  // Through the runtime: a load with the file's integrity keeps its import
  // where a load without one (hashing the file) finds it.
  const freshDir = cacheFolder();
  const fresh = await createGarden({ threads: 1, cacheDir: freshDir });
  try {
    const bytes = fs.readFileSync(SELFIE);
    const integrity = `sha256-${crypto.createHash('sha256').update(bytes).digest('base64')}`;
    await outputsOf(fresh, pathToFileURL(SELFIE), { integrity });
    const kept = (await ImportCache.open(bytes, fresh.version, { cacheDir: freshDir })).get('0x0-f32');
    assert.ok(kept && isGarden(kept), 'kept under the file\'s SHA-256');
  } finally {
    fresh.dispose();
  }
});

// The wasm runtime is built by Clang (Emscripten), garden-convert by the
// native compiler (GCC here): the .garden file of one model must be the same
// bytes from both, or a file's bytes would depend on the compiler that wrote
// it. One model per importer, a dynamic input size, and int8 weights.
test('the runtime keeps the same .garden bytes garden-convert writes', { timeout: 120_000 }, async () => {
  assert.ok(fs.existsSync(GARDEN_CONVERT), `${GARDEN_CONVERT} missing (run scripts/build native)`);
  const cacheDir = cacheFolder();
  const out = path.join(cacheFolder(), 'converted.garden');
  const garden = await createGarden({ threads: 1, cacheDir });
  const files = (folder) => fs.readdirSync(folder, { recursive: true }).map((name) => path.join(folder, name))
    .filter((file) => fs.statSync(file).isFile());
  try {
    const cases = [
      { file: fixture('tfjs_tiny_mixed_uint8/model.json'), options: {}, args: [] },
      { file: SELFIE, options: { quantize: 'int8' }, args: ['--quantize', 'int8'] },
      { file: DIRECTION, options: { inputHeight: 48, inputWidth: 192 }, args: ['--input-size', '48x192'] },
    ];
    for (const { file, options, args } of cases) {
      const before = new Set(files(cacheDir));
      await outputsOf(garden, pathToFileURL(file), options);
      const kept = files(cacheDir).filter((name) => !before.has(name)).map((name) => fs.readFileSync(name))
        .filter(isGarden);
      assert.equal(kept.length, 1, `one import kept for ${file}`);
      const converted = spawnSync(GARDEN_CONVERT, [file, out, ...args], { encoding: 'utf8' });
      assert.equal(converted.status, 0, converted.stderr);
      assert.ok(kept[0].equals(fs.readFileSync(out)), `${path.relative(FIXTURES, file)} ${args.join(' ')}: the runtime's import and garden-convert's file differ`);
    }
  } finally {
    garden.dispose();
  }
});
