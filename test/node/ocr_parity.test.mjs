// Reading text three ways on the same pages: the native CLI (`garden ocr`),
// the package in wasm (`reader.read`), and onnxruntime-node fed the very
// crops the CLI fed our runtime (`--save-inputs`), decoded by the same greedy
// CTC rule in JS. Same lines and strings everywhere; the printed paragraph
// within 2 % of what it says.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import ort from 'onnxruntime-node';

import {
  FIXTURES, ROOT, characterErrorRate, importPackage, pagePath, paragraphPath, readPage, readParagraph, transcription,
} from './helpers.mjs';

const GARDEN = process.env.GARDEN_CLI ?? path.join(ROOT, 'build/native/tools/garden');
const RECOGNIZER = path.join(FIXTURES, 'ppocrv4_rec/model.onnx');
const HEIGHT = 48;

const PAGES = [
  { name: 'imageTextN.png', file: paragraphPath, read: readParagraph, written: 'imageTextN.txt', maxRate: 0.02 },
  // A 10-px-high scan whose tilted bottom line runs off the image (see text_recognizer_test.cpp).
  { name: 'page.png', file: pagePath, read: readPage, written: 'page.txt', maxRate: 0.01 },
];

// `garden ocr` on a page: its lines, and each line's recognizer input.
function cliRead(file) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'garden-ocr-'));
  const lines = JSON.parse(execFileSync(GARDEN, ['ocr', file, '--threads', '2', '--save-inputs', dir], { encoding: 'utf8' }));
  const inputs = lines.map((_, i) => {
    const bytes = fs.readFileSync(path.join(dir, `line-${i}.f32`));
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  });
  fs.rmSync(dir, { recursive: true });
  return { lines, inputs };
}

// PaddleOCR's CTCLabelDecode: per step the most likely class; repeats merged,
// blanks (class 0) dropped; classes 1.. are the dictionary's lines, then the space.
function ctcGreedy(probabilities, steps, classes, characters) {
  let text = '', previous = -1;
  for (let t = 0; t < steps; ++t) {
    let best = 0;
    for (let c = 1; c < classes; ++c) if (probabilities[t * classes + c] > probabilities[t * classes + best]) best = c;
    if (best !== 0 && best !== previous) text += characters[best - 1];
    previous = best;
  }
  return text;
}

const characters = [...fs.readFileSync(path.join(FIXTURES, 'ppocrv4_rec/dict.txt'), 'utf8').split(/\r?\n/).filter((l) => l !== ''), ' '];

for (const page of PAGES) {
  test(`${page.name}: onnxruntime reads the CLI's crops as the CLI does, and the package reads the same lines`, { timeout: 300_000 }, async () => {
    const { lines, inputs } = cliRead(page.file());
    const expected = transcription(page.written);
    const rate = characterErrorRate(lines.map((line) => line.text), expected);
    assert.ok(rate <= page.maxRate, `CLI: character error rate ${rate.toFixed(4)} > ${page.maxRate}`);

    const session = await ort.InferenceSession.create(RECOGNIZER);
    for (let i = 0; i < lines.length; ++i) {
      const width = inputs[i].length / (3 * HEIGHT);
      assert.ok(Number.isInteger(width) && width % 32 === 0 && width >= 320, `line ${i}: input width ${width}`);
      const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', inputs[i], [1, 3, HEIGHT, width]) });
      const output = result[session.outputNames[0]];
      const [, steps, classes] = output.dims;
      assert.equal(classes, characters.length + 1);
      assert.equal(ctcGreedy(output.data, steps, classes, characters), lines[i].text, `line ${i}`);
    }

    const { createGarden } = await importPackage();
    const garden = await createGarden({ threads: 2 });
    const reader = await garden.loadTextReader();
    try {
      const read = await reader.read(page.read());
      assert.deepEqual(read.map((line) => line.text), lines.map((line) => line.text), 'reader.read and garden ocr');
      for (let i = 0; i < read.length; ++i) {
        for (let k = 0; k < 4; ++k) {
          assert.ok(Math.abs(read[i].box[k].x - lines[i].box[k].x) <= 0.5 && Math.abs(read[i].box[k].y - lines[i].box[k].y) <= 0.5,
            `line ${i} corner ${k}: the same box`);
        }
      }
    } finally {
      reader.dispose();
      garden.dispose();
    }
  });
}
