// Every model the catalogue names loads by that name: the ones the package
// ships from inside it, the others from their official URLs. Without the
// network, createGarden's `fetch` option answers each official URL with a
// local file of the same format (a classifier .tflite with its labels packed
// inside as MediaPipe packs them, the generated DeepLab TF.js graphs, an ONNX
// classifier), given with its checksum as `integrity`. A wrong checksum is
// refused with INTEGRITY and leaves nothing cached; the second load comes
// from the cache folder; clearCache() empties it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { ROOT, chelseaPath, importPackage, readChelsea, rejection } from './helpers.mjs';
import { CATALOGUE, PACKED_CLASSIFIER, integrityOf, localFile } from './official_urls.mjs';

const { createGarden } = await importPackage();

const NATIVE = path.join(ROOT, 'build/native');

/** A fetch that serves the official URLs' local files (404 for anything else) and records each URL asked for. */
function routedFetch() {
  const requests = [];
  const fetch = async (url) => {
    requests.push(url);
    const file = localFile(url);
    return file && fs.existsSync(file) ? new Response(fs.readFileSync(file)) : new Response(null, { status: 404 });
  };
  return { fetch, requests };
}

const folders = [];
function cacheFolder() {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'model-garden-cache-'));
  folders.push(folder);
  return folder;
}
after(() => { for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true }); });

// The downloads in a cache folder (its imports/ folder holds what was imported of them).
const cachedFiles = (folder) => (fs.existsSync(folder)
  ? fs.readdirSync(folder, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name) : []);

test('loadClassifier() with no options: EfficientNet-Lite0 from its official URL, named by the labels its file packs', { timeout: 120_000 }, async () => {
  const { fetch, requests } = routedFetch();
  const cacheDir = cacheFolder();
  const garden = await createGarden({ threads: 1, fetch, cacheDir });
  try {
    const lite0 = CATALOGUE.classifiers['efficientnet-lite0'].url;
    const classifier = await garden.loadClassifier({ integrity: integrityOf(lite0) });
    assert.deepEqual(requests, [lite0]);
    const top = await classifier.classify(readChelsea(), 5);
    // The same answer as the native CLI on the same file and photo.
    const native = JSON.parse(execFileSync(path.join(NATIVE, 'tools/garden'),
      ['classify', chelseaPath(), '--model', PACKED_CLASSIFIER, '--preset', 'efficientnet-lite0', '--topk', '5'], { encoding: 'utf8' }));
    assert.deepEqual(top.map((p) => p.className), native.map((p) => p.className));
    // Tolerance: the two builds' f32 sums may round differently.
    top.forEach((p, i) => assert.ok(Math.abs(p.probability - native[i].probability) < 1e-6, `${p.probability} vs ${native[i].probability}`));
    // Names from the packed labels.txt (first names only), not the preset's ImageNet list ("tench, Tinca tinca").
    for (const { className } of top) assert.doesNotMatch(className, /,/);
    classifier.dispose();
  } finally {
    garden.dispose();
  }
});

test('every catalogue name loads: shipped ones from the package, the others from their official URLs', { timeout: 300_000 }, async () => {
  const { fetch, requests } = routedFetch();
  const garden = await createGarden({ threads: 2, fetch, cacheDir: cacheFolder() });
  const loaded = [];
  const load = async (what, loader, options) => {
    const before = requests.length;
    // Uncached: files shared by names (one DeepLab test graph per quantization) are fetched for each.
    const model = await garden[loader]({ ...options, warmup: false, cache: false });
    loaded.push({ what, fetched: requests.slice(before) });
    return model;
  };
  try {
    for (const [name, { url, file }] of Object.entries(CATALOGUE.classifiers)) {
      if (!url && !file) {
        assert.equal((await rejection(garden.loadClassifier({ model: name }))).code, 'INVALID_ARGUMENT', `${name} has no artifact`);
        continue;
      }
      const classifier = await load(name, 'loadClassifier', { model: name, ...(url ? { integrity: integrityOf(url) } : {}) });
      assert.ok((await classifier.classify(readChelsea(), 1)).length === 1);
      classifier.dispose();
    }
    for (const [base, byBytes] of Object.entries(CATALOGUE.deeplab)) {
      for (const [bytes, url] of Object.entries(byBytes)) {
        const segmenter = await load(`deeplab ${base} ${bytes}`, 'loadSegmenter', { base, quantizationBytes: Number(bytes), integrity: integrityOf(url) });
        segmenter.dispose();
      }
    }
    for (const name of Object.keys(CATALOGUE.segmenters)) {
      const segmenter = await load(name, 'loadSegmenter', { model: name });
      const { width, height, segmentationMap } = await segmenter.segment(readChelsea());
      assert.equal(segmentationMap.length, width * height * 4);
      segmenter.dispose();
    }
    for (const name of Object.keys(CATALOGUE.textDetectors).filter((name) => CATALOGUE.textDetectors[name].file)) {
      (await load(name, 'loadTextDetector', { model: name })).dispose();
    }
    (await load('reader', 'loadTextReader', {})).dispose();
  } finally {
    garden.dispose();
  }
  for (const { what, fetched } of loaded) {
    const shipped = ['nsfwjs', 'selfie', 'ppocr', 'reader'].includes(what);
    assert.equal(fetched.length === 0, shipped, `${what}: ${shipped ? 'shipped, nothing fetched' : 'fetched'} (${fetched.join(', ')})`);
  }
  console.log(`# loaded ${loaded.length} catalogue models, ${requests.length} files fetched`);
});

test('a wrong checksum is refused and caches nothing; the second load comes from the cache; clearCache empties it', { timeout: 120_000 }, async () => {
  const { fetch, requests } = routedFetch();
  const cacheDir = cacheFolder();
  const garden = await createGarden({ threads: 1, fetch, cacheDir });
  const lite0 = CATALOGUE.classifiers['efficientnet-lite0'].url;
  const integrity = integrityOf(lite0);
  const wrong = `sha256-${crypto.createHash('sha256').update('not the model').digest('base64')}`;
  try {
    const refused = await rejection(garden.loadClassifier({ integrity: wrong }));
    assert.equal(refused.code, 'INTEGRITY');
    assert.match(refused.message, /does not match its integrity/);
    assert.deepEqual(cachedFiles(cacheDir), [], 'nothing cached');

    (await garden.loadClassifier({ integrity, warmup: false })).dispose();
    assert.equal(requests.length, 2);
    assert.equal(cachedFiles(cacheDir).length, 1);
    (await garden.loadClassifier({ integrity, warmup: false })).dispose();
    assert.equal(requests.length, 2, 'the second load is from the cache');

    // A damaged cache entry is dropped and fetched again.
    const [entry] = cachedFiles(cacheDir);
    fs.writeFileSync(path.join(cacheDir, entry), 'damaged');
    (await garden.loadClassifier({ integrity, warmup: false })).dispose();
    assert.equal(requests.length, 3);

    // A TF.js model's weights are checked too: a wrong checksum for one shard refuses the load.
    const deeplab = CATALOGUE.deeplab.pascal[1];
    const files = integrityOf(deeplab);
    const shard = Object.keys(files).find((name) => name !== 'model.json');
    const tampered = await rejection(garden.loadSegmenter({ quantizationBytes: 1, integrity: { ...files, [shard]: wrong } }));
    assert.equal(tampered.code, 'INTEGRITY');
    assert.match(tampered.message, new RegExp(shard));

    await garden.clearCache();
    assert.deepEqual(cachedFiles(cacheDir), []);
  } finally {
    garden.dispose();
  }
});

test('fetch, cacheDir and integrity options are checked', async () => {
  assert.equal((await rejection(createGarden({ fetch: 'https://example.com' }))).code, 'INVALID_ARGUMENT');
  assert.equal((await rejection(createGarden({ cacheDir: 7 }))).code, 'INVALID_ARGUMENT');
  const { fetch, requests } = routedFetch();
  const garden = await createGarden({ threads: 1, fetch, cacheDir: cacheFolder() });
  try {
    for (const integrity of ['md5-abc', 'sha256-not base64!', 42, { 'model.json': 7 }]) {
      assert.equal((await rejection(garden.loadClassifier({ integrity }))).code, 'INVALID_ARGUMENT', JSON.stringify(integrity));
    }
    // An integrity object must name every file fetched.
    const missing = await rejection(garden.loadClassifier({ integrity: { 'other.tflite': integrityOf(CATALOGUE.classifiers['efficientnet-lite0'].url) } }));
    assert.equal(missing.code, 'INVALID_ARGUMENT');
    assert.match(missing.message, /no entry for efficientnet_lite0\.tflite/);
    assert.deepEqual(requests, []);
    // An unknown URL is a NETWORK error from the given fetch.
    assert.equal((await rejection(garden.loadModel({ modelUrl: 'https://example.com/none.onnx' }))).code, 'NETWORK');
  } finally {
    garden.dispose();
  }
});
