// Teach it your own classes: a classifier's embedding (nsfwjs' pooled
// MobileNetV2 features) against TF.js at the same layer, and a few-shot
// classifier taught with a few augmented crops of real photos, named on
// crops it has not seen; its save reloads exactly; bad input is typed.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { loadGraphModel, tf } from '../../scripts/fixtures/tfjs_reference.mjs';
import { mulberry32 } from '../../scripts/lib/seeded_random.mjs';
import { FIXTURES, importPackage, readChelsea, readSkimagePhoto, rejection } from './helpers.mjs';

const { createGarden, cosineSimilarity } = await importPackage();

const FEATURES = 'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/' +
  'StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze';
const SIDE = 224;  // nsfwjs' input: an image of this size is not resized

/**
 * A crop of `photo` (RGBA) scaled to size x size by nearest sampling: a square
 * of 45-85 % of the shorter side at a random place, mirrored half the time,
 * its brightness scaled by 0.8-1.2.
 */
function augmentedCrop(photo, next, size = SIDE) {
  const side = Math.floor(Math.min(photo.width, photo.height) * (0.45 + 0.4 * next()));
  const left = Math.floor((photo.width - side) * next());
  const top = Math.floor((photo.height - side) * next());
  const mirror = next() < 0.5;
  const gain = 0.8 + 0.4 * next();
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; ++y) {
    for (let x = 0; x < size; ++x) {
      const sx = left + Math.floor(((mirror ? size - 1 - x : x) + 0.5) * side / size);
      const sy = top + Math.floor((y + 0.5) * side / size);
      const from = 4 * (sy * photo.width + sx), to = 4 * (y * size + x);
      for (let c = 0; c < 3; ++c) data[to + c] = photo.data[from + c] * gain;
      data[to + 3] = 255;
    }
  }
  return { data, width: size, height: size };
}

/** Largest |a - b| relative to the largest |b|. */
function relativeDifference(a, b) {
  let diff = 0, scale = 0;
  for (let i = 0; i < b.length; ++i) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

test('embed() is nsfwjs\' feature vector as TF.js computes it; classify() is unchanged', { timeout: 120_000 }, async () => {
  const { model } = await loadGraphModel(path.join(FIXTURES, 'nsfwjs_mobilenet_v2'));
  const garden = await createGarden({ threads: 2 });
  try {
    const classifier = await garden.loadClassifier({ model: 'nsfwjs' });
    assert.equal(classifier.embeddingSize, 1792);
    const crop = augmentedCrop(readChelsea(), mulberry32(3));
    const embedding = await classifier.embed(crop);
    const ranked = await classifier.classify(crop, 5);

    const input = tf.tensor(Float32Array.from({ length: SIDE * SIDE * 3 }, (_, i) => crop.data[4 * Math.floor(i / 3) + (i % 3)] / 255),
      [1, SIDE, SIDE, 3]);
    const [features, probabilities] = model.execute(input, [FEATURES, 'Identity']);
    const expected = await features.data();
    const expectedProbabilities = await probabilities.data();
    tf.dispose([input, features, probabilities]);

    assert.ok(embedding instanceof Float32Array);
    assert.equal(embedding.length, expected.length);
    // The bound: 1e-4 of the largest feature.
    const difference = relativeDifference(embedding, expected);
    assert.ok(difference <= 1e-4, `embedding differs from TF.js by ${difference} (relative)`);
    const labels = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];
    for (const { className, probability } of ranked) {
      assert.ok(Math.abs(probability - expectedProbabilities[labels.indexOf(className)]) <= 1e-4, `${className} ${probability}`);
    }
    assert.ok(Math.abs(cosineSimilarity(embedding, expected) - 1) < 1e-6);

    // embeddingOutput names another tensor: the map before pooling (7x7x1792, NHWC).
    const spatial = await garden.loadClassifier({ model: 'nsfwjs', warmup: false,
      embeddingOutput: 'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/MobilenetV2/Conv_1/Relu6' });
    assert.equal(spatial.embeddingSize, 7 * 7 * 1792);
    const error = await rejection(garden.loadClassifier({ model: 'nsfwjs', warmup: false, embeddingOutput: 'no/such/tensor' }));
    assert.equal(error.code, 'INVALID_ARGUMENT');
    assert.match(error.message, /no\/such\/tensor/);
  } finally {
    garden.dispose();
  }
});

// Four real photos (a cat, an astronaut, a coffee cup, a motorcycle); five
// augmented crops of each taught, 15 others of each named.
const PHOTOS = { cat: 'chelsea.png', astronaut: 'astronaut.png', coffee: 'coffee.png', motorcycle: 'motorcycle_left.png' };
const TAUGHT = 5;
const HELD_OUT = 15;

test('taught with 5 crops of each of 4 photos, it names at least 95 % of 60 held-out crops', { timeout: 300_000 }, async () => {
  const garden = await createGarden({ threads: 2 });
  try {
    const classifier = await garden.loadClassifier({ model: 'nsfwjs' });
    const fewShot = garden.createFewShotClassifier(classifier);
    assert.equal(fewShot.dimension, 1792);
    const next = mulberry32(20261207);
    const heldOut = [];
    for (const [label, file] of Object.entries(PHOTOS)) {
      const photo = readSkimagePhoto(file);
      for (let i = 0; i < TAUGHT; ++i) await fewShot.addExample(augmentedCrop(photo, next), label);
      for (let i = 0; i < HELD_OUT; ++i) heldOut.push({ label, embedding: await classifier.embed(augmentedCrop(photo, next)) });
    }
    assert.deepEqual(fewShot.getClassExampleCount(), { cat: 5, astronaut: 5, coffee: 5, motorcycle: 5 });

    const named = [];
    for (const { label, embedding } of heldOut) named.push({ label, predicted: await fewShot.predict(embedding) });
    const correct = named.filter(({ label, predicted }) => predicted.label === label).length;
    console.log(`# few-shot: ${correct}/${heldOut.length} held-out crops named correctly`);
    assert.ok(correct >= Math.ceil(0.95 * heldOut.length), `${correct} of ${heldOut.length} correct`);
    for (const { predicted } of named) {
      assert.equal(Object.values(predicted.confidences).reduce((a, b) => a + b, 0), 1);
      assert.ok(predicted.similarity > 0 && predicted.similarity <= 1 + 1e-6);
    }

    // A save reloads exactly: the same examples, bit for bit, so the same answers.
    const saved = JSON.stringify(fewShot);
    const reloaded = garden.createFewShotClassifier(classifier).fromJSON(saved);
    assert.equal(JSON.stringify(reloaded), saved);
    for (const { embedding } of heldOut.slice(0, 20)) {
      assert.deepEqual(await reloaded.predict(embedding), await fewShot.predict(embedding));
    }

    // removeClass forgets a class; its crops go to the others.
    reloaded.removeClass('cat');
    assert.deepEqual(reloaded.labels, ['astronaut', 'coffee', 'motorcycle']);
    assert.notEqual((await reloaded.predict(heldOut[0].embedding)).label, 'cat');
    assert.equal((await reloaded.predict(heldOut[HELD_OUT].embedding)).label, 'astronaut');
    reloaded.clear();
    assert.equal(reloaded.exampleCount, 0);
  } finally {
    garden.dispose();
  }
});

test('few-shot: wrong labels, embeddings, k and saves are typed errors that change nothing', { timeout: 120_000 }, async () => {
  const garden = await createGarden({ threads: 1 });
  try {
    const classifier = await garden.loadClassifier({ model: 'nsfwjs', warmup: false });
    assert.throws(() => garden.createFewShotClassifier({}), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => garden.createFewShotClassifier(classifier, { k: 0 }), { code: 'INVALID_ARGUMENT' });
    const fewShot = garden.createFewShotClassifier(classifier);
    const one = new Float32Array(1792).fill(0.5);
    assert.equal((await rejection(fewShot.predict(one))).code, 'INVALID_ARGUMENT');  // nothing taught yet
    await fewShot.addExample(one, 'a');
    const saved = JSON.stringify(fewShot);
    for (const [input, label] of [[one, ''], [one, 7], [new Float32Array(3), 'b'], [new Float32Array(1792), 'b'],
      [new Float32Array(1792).fill(NaN), 'b'], [{ data: new Uint8Array(0), width: 0, height: 0 }, 'b']]) {
      const error = await rejection(fewShot.addExample(input, label));
      assert.equal(error.code, 'INVALID_ARGUMENT', `${label}: ${error.message}`);
    }
    assert.equal((await rejection(fewShot.predict(one, 1.5))).code, 'INVALID_ARGUMENT');
    assert.throws(() => fewShot.removeClass('b'), { code: 'INVALID_ARGUMENT' });
    const parsed = JSON.parse(saved);
    for (const bad of ['{', '{}', { ...parsed, dimension: 1280 }, { ...parsed, classes: [{ label: 'a', examples: 'AAAA' }] },
      { ...parsed, classes: [null] }, { ...parsed, classes: [parsed.classes[0], parsed.classes[0]] },
      { ...parsed, classes: [{ label: 'a', examples: '!!' }] }]) {
      assert.throws(() => fewShot.fromJSON(bad), { code: 'INVALID_ARGUMENT' });
    }
    assert.equal(JSON.stringify(fewShot), saved, 'nothing changed');
    assert.equal((await fewShot.predict(one)).label, 'a');
    assert.throws(() => cosineSimilarity(one, new Float32Array(3)), { code: 'INVALID_ARGUMENT' });
  } finally {
    garden.dispose();
  }
});
