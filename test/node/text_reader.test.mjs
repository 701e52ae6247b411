// Reading text under Node: the shipped PP-OCRv4 detector and recognizer on a
// real scanned page, the same models given as bytes and URLs, and typed
// errors for what does not fit.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import {
  FIXTURES, characterErrorRate, editDistance, importPackage, readPage, readParagraph, rejection, transcription,
} from './helpers.mjs';

const { createGarden } = await importPackage();
const page = readPage();
const code = async (promise) => (await rejection(promise)).code;

// The page's lines, up to spaces: PP-OCRv4 reads some of this scan's narrow
// spaces with a probability close to the blank's (ocr_parity.test.mjs
// compares the whole strings with the native CLI and onnxruntime).
const withoutSpaces = (text) => text.replaceAll(' ', '');
function assertPageRead(lines) {
  assert.equal(lines.length, 7);
  assert.equal(withoutSpaces(lines[0].text), 'Region-basedsegmentation');
  assert.equal(lines[1].text, 'Let us first determine markers of the coins and the');
  assert.equal(withoutSpaces(lines[3].text), 'unambiguouslyaseitherobjectorbackground.Here,');
  for (const line of lines) {
    assert.ok(line.score >= 0.85 && line.score <= 1, `score ${line.score}`);
    assert.equal(line.box.length, 4);
    for (const { x, y } of line.box) assert.ok(x >= 0 && x < page.width && y >= 0 && y < page.height);
  }
  for (let i = 1; i < lines.length; ++i) assert.ok(lines[i].box[0].y > lines[i - 1].box[0].y, 'top to bottom');
}

for (const threads of [1, 2]) {
  test(`the shipped text reader reads a scanned page line by line (${threads} thread(s))`, async () => {
    const garden = await createGarden({ threads });
    const reader = await garden.loadTextReader();
    try {
      const lines = await reader.read(page);
      assertPageRead(lines);
      assert.deepEqual(await reader.read(page), lines, 'the same frame reads the same');
    } finally {
      reader.dispose();
      garden.dispose();
    }
  });
}

test('the text reader takes its models as bytes and URLs, its dictionary as text', async () => {
  const garden = await createGarden({ threads: 1 });
  const detector = fs.readFileSync(path.join(FIXTURES, 'ppocrv4_det/model.onnx'));
  const dictionaryFile = path.join(FIXTURES, 'ppocrv4_rec/dict.txt');
  const fromBytes = await garden.loadTextReader({
    detector, recognizer: fs.readFileSync(path.join(FIXTURES, 'ppocrv4_rec/model.onnx')),
    dictionary: fs.readFileSync(dictionaryFile, 'utf8'), warmup: false,
  });
  const fromUrls = await garden.loadTextReader({
    detector, recognizerUrl: pathToFileURL(path.join(FIXTURES, 'ppocrv4_rec/model.onnx')),
    dictionaryUrl: pathToFileURL(dictionaryFile), warmup: false,
  });
  try {
    assertPageRead(await fromBytes.read(page));
    assert.deepEqual(await fromUrls.read(page), await fromBytes.read(page));
  } finally {
    fromBytes.dispose();
    fromUrls.dispose();
    garden.dispose();
  }
});

test('text reader: bad options, models, dictionaries and images are typed errors', async () => {
  const garden = await createGarden({ threads: 1 });
  const recognizer = fs.readFileSync(path.join(FIXTURES, 'ppocrv4_rec/model.onnx'));
  try {
    assert.equal(await code(garden.loadTextReader({ recognizer })), 'INVALID_ARGUMENT');   // no dictionary
    assert.equal(await code(garden.loadTextReader({ recognizer, dictionary: new Uint8Array(4) })), 'INVALID_ARGUMENT');
    assert.equal(await code(garden.loadTextReader({ recognizer, dictionary: '' })), 'INVALID_ARGUMENT');
    assert.equal(await code(garden.loadTextReader({ recognizer: 'trocr' })), 'INVALID_ARGUMENT');
    assert.equal(await code(garden.loadTextReader({ detector: 'psenet' })), 'INVALID_ARGUMENT');
    assert.equal(await code(garden.loadTextReader({ inputSize: 33 })), 'INVALID_ARGUMENT');
    assert.equal(await code(garden.loadTextReader({ minScore: 2 })), 'INVALID_ARGUMENT');
    assert.equal(await code(garden.loadTextReader({ recognizer: new Uint8Array([1, 2, 3]), dictionary: 'a\nb\n' })),
                 'INVALID_MODEL');
    // A dictionary that does not fit the recognizer's classes fails at the first line read, and the reader lives on.
    const mismatched = await garden.loadTextReader({ recognizer, dictionary: 'a\nb\n', warmup: false });
    try {
      assert.equal(await code(mismatched.read(page)), 'UNSUPPORTED_MODEL');
      assert.equal(await code(mismatched.read({ data: new Uint8Array(0), width: 0, height: 0 })), 'INVALID_ARGUMENT');
      assert.deepEqual(await mismatched.read({ data: new Uint8Array(64 * 64 * 4).fill(255), width: 64, height: 64 }), [],
                       'a blank frame has no lines to read');
    } finally {
      mismatched.dispose();
    }
  } finally {
    garden.dispose();
  }
});

/** `image` turned upside down: a half turn reverses the order of its pixels. */
function turnedHalf({ data, width, height }) {
  const pixels = new Uint32Array(new Uint8Array(data).buffer).reverse();
  return { data: new Uint8Array(pixels.buffer), width, height };
}

// The paragraph turned upside down: without the direction classifier it is
// noise; with it (the shipped PP-OCR classifier), it reads as upright, its
// lines in reverse order (the last is on top now). Natively the same:
// test/text_recognition/text_recognizer_test.cpp.
test('the text reader with direction: true reads a paragraph turned upside down', { timeout: 120_000 }, async () => {
  const garden = await createGarden({ threads: 2 });
  try {
    const upsideDown = turnedHalf(readParagraph());
    const expected = transcription('imageTextN.txt').reverse();
    const plain = await garden.loadTextReader();
    const noise = (await plain.read(upsideDown)).map((line) => line.text).join('\n');
    plain.dispose();
    assert.ok(editDistance(noise, expected.join('\n')) / expected.join('\n').length > 0.5, `read without turning: ${noise}`);

    const turning = await garden.loadTextReader({ direction: true });
    const lines = (await turning.read(upsideDown)).map((line) => line.text);
    const rate = characterErrorRate(lines, expected);
    console.log(`# upside-down paragraph with the direction classifier: CER ${(rate * 100).toFixed(2)} %`);
    assert.ok(rate <= 0.02, `CER ${rate}`);
    turning.dispose();
    assert.equal(await code(garden.loadTextReader({ direction: 'sideways' })), 'INVALID_ARGUMENT');
    assert.equal(await code(garden.loadTextReader({ direction: 7 })), 'INVALID_ARGUMENT');
  } finally {
    garden.dispose();
  }
});
