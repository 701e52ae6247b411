// The package's model catalogue (catalogue.mjs, generated from
// weights/manifest.json when the package is built) says what the manifest
// says: it is the generator's output for the manifest as it is now, the names
// models.mjs resolves are the manifest's "package" entries, and each demo
// page's list is the manifest's, in its order.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { PACKAGE, ROOT } from './helpers.mjs';

const MANIFEST = path.join(ROOT, 'weights/manifest.json');
const manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
const fromPackage = (file) => import(pathToFileURL(path.join(PACKAGE, file)).href);
const packaged = (task) => manifest.models.filter((model) => model.task === task && model.package);
const modelNamed = (name) => manifest.models.find((model) => model.name === name);

function invalidArgument(call, pattern) {
  assert.throws(call, (error) => error.code === 'INVALID_ARGUMENT' && pattern.test(error.message));
}

test('the package ships the catalogue of the current manifest', async () => {
  const { CATALOGUE } = await fromPackage('catalogue.mjs');
  const generator = await import(pathToFileURL(path.join(ROOT, 'models/catalogue/generate_catalogue.mjs')).href);
  assert.deepEqual(CATALOGUE, generator.packageCatalogue(generator.readManifest(MANIFEST)),
                   'stale catalogue.mjs: rebuild the package');
  const { files } = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8'));
  assert.ok(files.includes('*.mjs'), 'npm pack takes catalogue.mjs');
});

/** The URL models.mjs gives a shipped file: in the package, or under a garden's baseUrl. */
async function assertShipped(file) {
  const { packageFileUrl } = await fromPackage('models.mjs');
  assert.ok(fs.existsSync(path.join(PACKAGE, file)), `${file} is not in the package`);
  assert.equal(packageFileUrl(file).href, pathToFileURL(path.join(PACKAGE, file)).href);
  assert.equal(packageFileUrl(file, 'https://cdn.example/model-garden/').href, `https://cdn.example/model-garden/${file}`);
}

test('every file the package ships is in it, each with a literal URL bundlers can follow', async () => {
  const { SHIPPED_FILES } = await fromPackage('catalogue.mjs');
  const shipped = manifest.models.filter((model) => model.package?.file)
    .flatMap(({ package: entry }) => [entry.file, ...(entry.dictionary ? [entry.dictionary] : [])]);
  assert.deepEqual(Object.keys(SHIPPED_FILES), shipped);
  const source = fs.readFileSync(path.join(PACKAGE, 'catalogue.mjs'), 'utf8');
  for (const file of shipped) {
    await assertShipped(file);
    assert.ok(source.includes(`new URL(${JSON.stringify(`./${file}`)}, import.meta.url)`), file);
  }
  const { packageFileUrl } = await fromPackage('models.mjs');
  assert.throws(() => packageFileUrl('models/none.onnx'), (error) => error.code === 'INTERNAL');
});

test('text detectors: the manifest\'s names, kinds and input sizes; a shipped file is in the package', async () => {
  const { TEXT_DETECTORS } = await fromPackage('models.mjs');
  const expected = packaged('text_detection').map(({ package: entry }) => [entry.name, {
    file: entry.file ?? null, url: null, kind: entry.kind, inputSize: entry.input_size,
  }]);
  assert.deepEqual(Object.entries(TEXT_DETECTORS), expected);
});

test('text recognizers: the manifest\'s names, widths, and their model and dictionary in the package', async () => {
  const { TEXT_RECOGNIZERS } = await fromPackage('models.mjs');
  const expected = packaged('text_recognition').map(({ package: entry }) => [entry.name, {
    file: entry.file, url: null, dictionary: entry.dictionary, inputWidth: entry.input_width,
  }]);
  assert.ok(expected.length > 0);
  assert.deepEqual(Object.entries(TEXT_RECOGNIZERS), expected);
});

test('text direction classifiers: the manifest\'s names, shipped with the package', async () => {
  const { TEXT_DIRECTIONS } = await fromPackage('models.mjs');
  const expected = packaged('text_direction').map(({ package: entry }) => [entry.name, { file: entry.file, url: null }]);
  assert.ok(expected.length > 0);
  assert.deepEqual(Object.entries(TEXT_DIRECTIONS), expected);
});

/** sha256 hex -> subresource integrity, as fetch checks it. */
const integrityOf = (hex) => `sha256-${Buffer.from(hex, 'hex').toString('base64')}`;

/** What models.mjs gives a named model: its shipped file, else the official URL and its checksum. */
function namedModel({ source, sha256, preset, package: entry }) {
  if (entry.file) return { file: entry.file, url: null, integrity: null, preset };
  const file = source.url && decodeURIComponent(new URL(source.url).pathname.split('/').at(-1));
  return { file: null, url: source.url ?? null, integrity: sha256?.[file] ? integrityOf(sha256[file]) : null, preset };
}

test('classifiers: the manifest\'s names, shipped or by official URL (or none), with their presets', async () => {
  const { CLASSIFIERS, DEFAULT_CLASSIFIER, lookup, modelSource } = await fromPackage('models.mjs');
  const expected = packaged('classification').map((model) => [model.package.name, namedModel(model)]);
  assert.deepEqual(Object.entries(CLASSIFIERS), expected);
  assert.ok(modelSource(CLASSIFIERS[DEFAULT_CLASSIFIER]), 'the default classifier has an artifact');
  const [withoutArtifact] = expected.find(([, { url, file }]) => url === null && file === null);
  invalidArgument(() => lookup(CLASSIFIERS, withoutArtifact, 'classifier'), /no official single-file artifact/);
  invalidArgument(() => lookup(CLASSIFIERS, 'resnet-50', 'classifier'),
                  new RegExp(`known: ${expected.map(([name]) => name).join(', ')}\\)`));
  invalidArgument(() => lookup(CLASSIFIERS, 'constructor', 'classifier'), /unknown classifier 'constructor'/);
});

test('segmenters: DeepLab\'s URL for every base and quantization, and the others by name, are the manifest\'s', async () => {
  const { SEGMENTERS, deeplabUrl } = await fromPackage('models.mjs');
  const models = packaged('segmentation');
  const deeplab = models.filter((model) => model.quantization_bytes !== undefined);
  assert.ok(deeplab.length > 0);
  for (const { name, source, package: entry, quantization_bytes: bytes } of deeplab) {
    assert.equal(deeplabUrl(entry.name, bytes), source.url, name);
  }
  const bases = [...new Set(deeplab.map(({ package: entry }) => entry.name))];
  invalidArgument(() => deeplabUrl('coco', 2), new RegExp(`known: ${bases.join(', ')}\\)`));
  const others = models.filter((model) => model.quantization_bytes === undefined);
  assert.deepEqual(Object.entries(SEGMENTERS), others.map((model) => [model.package.name, namedModel(model)]));
  assert.ok(Object.hasOwn(SEGMENTERS, 'selfie'));
});

test('demo lists: each page\'s models in the manifest\'s order, run by the names the manifest gives them', async () => {
  const { CATALOGUE } = await fromPackage('catalogue.mjs');
  assert.deepEqual(Object.keys(CATALOGUE.demos), Object.keys(manifest.demos));
  for (const [page, entries] of Object.entries(manifest.demos)) {
    const shown = CATALOGUE.demos[page];
    assert.deepEqual(shown.map(({ id, label, note }) => ({ id, label, note })),
                     entries.map(({ id, label, note }) => ({ id, label, note })), page);
    for (const [index, { id, model: name, from, quantize }] of entries.entries()) {
      const model = modelNamed(name);
      const { options: { quantize: shownQuantize, ...options }, fixture } = shown[index];
      assert.equal(fixture, from === 'fixture' ? model.fixture : null, id);
      assert.equal(shownQuantize, quantize, `${id}: quantize`);
      const names = [model.preset, model.package?.name, model.package?.kind];
      for (const value of Object.values(options)) assert.ok(names.includes(value), `${id}: ${value}`);
      if (from === 'package') assert.ok(Object.values(options).includes(model.package.name), id);
    }
  }
});
