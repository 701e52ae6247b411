// The package as a user gets it: `npm pack` the built package, install the
// tarball into an empty folder, and run a plain `node app.mjs` that detects
// the text of a scanned page with the shipped default model and reads it with
// the shipped recognizer, classifies a photo with the shipped nsfwjs and with
// the default classifier (EfficientNet-Lite0 by its official URL), segments it
// with the default DeepLab (by its official URLs), segments a person with the
// shipped selfie model and detects the lines of a rendered text image.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { FIXTURES, installPackedPackage, pagePath } from './helpers.mjs';

const run = promisify(execFile);
const CACHE = process.env.GARDEN_CACHE ?? path.join(process.env.HOME ?? '/root', '.cache/model-garden');
let folder;

// argv: threads, then a JSON job: PNG paths (page, chelsea), model URLs
// (nsfwjs, selfie), raw RGBA images { file, width, height } (person, text).
const APP = `
import fs from 'node:fs';
import { createGarden } from 'model-garden';
import { decodePng } from './png.mjs';

const threads = Number(process.argv[2]);
const job = JSON.parse(process.argv[3]);
const garden = await createGarden({ threads });

const detector = await garden.loadTextDetector({ model: 'ppocr' });
const boxes = await detector.detect(decodePng(fs.readFileSync(job.page)));
const rgba = ({ file, width, height }) => ({ data: new Uint8Array(fs.readFileSync(file)), width, height });
const textBoxes = await detector.detect(rgba(job.text));
detector.dispose();

const reader = await garden.loadTextReader();
const lines = (await reader.read(decodePng(fs.readFileSync(job.page)))).map((line) => line.text);
reader.dispose();

const classifier = await garden.loadClassifier({ model: 'nsfwjs' });
const classes = await classifier.classify(decodePng(fs.readFileSync(job.chelsea)), 5);
classifier.dispose();

// The default classifier and segmenter come from their official URLs: here
// answered by local files of the same format (test/node/official_urls.mjs).
const { CATALOGUE, integrityOf, localFile } = await import(job.officialUrls);
const fetch = async (url) => new Response(fs.readFileSync(localFile(url)));
const online = await createGarden({ threads, fetch, cacheDir: job.cacheDir });
const lite0 = await online.loadClassifier({ integrity: integrityOf(CATALOGUE.classifiers['efficientnet-lite0'].url) });
const defaultClasses = await lite0.classify(decodePng(fs.readFileSync(job.chelsea)), 3);
const deeplab = await online.loadSegmenter({ integrity: integrityOf(CATALOGUE.deeplab.pascal[2]) });
const deeplabResult = await deeplab.segment(decodePng(fs.readFileSync(job.chelsea)));
const deeplabMap = { width: deeplabResult.width, height: deeplabResult.height, ids: deeplabResult.classIds.length };
online.dispose();

const segmenter = await garden.loadSegmenter({ model: 'selfie' });
const { legend, segmentationMap, width, height } = await segmenter.segment(rgba(job.person));
segmenter.dispose();
fs.writeFileSync(job.person.mask, segmentationMap);

console.log(JSON.stringify({ threads: garden.threads, build: garden.build, boxes, textBoxes, lines, classes, defaultClasses,
  deeplabMap, legend, width, height }));
garden.dispose();
`;

function cachedImage(packagePrefix, name) {
  const images = path.join(CACHE, 'images');
  const folders = fs.existsSync(images) ? fs.readdirSync(images).filter((entry) => entry.startsWith(packagePrefix)) : [];
  const file = folders.map((entry) => path.join(images, entry, name)).find((candidate) => fs.existsSync(candidate));
  assert.ok(file, `${name} not found under ${images} (run scripts/make-fixtures)`);
  return file;
}

/**
 * An image file as raw RGBA in `into` (PIL decodes it: a JPEG, or a palette
 * PNG that the tests' PNG decoder does not read). Resolves to { file, width, height }.
 */
async function rawRgba(image, into) {
  const file = path.join(into, `${path.basename(image)}.rgba`);
  const script = 'import sys\nfrom PIL import Image\nimage = Image.open(sys.argv[1]).convert("RGBA")\n' +
    'open(sys.argv[2], "wb").write(image.tobytes())\nprint(image.size[0], image.size[1])\n';
  const { stdout } = await run('/usr/bin/python3', ['-c', script, image, file]);
  const [width, height] = stdout.trim().split(' ').map(Number);
  return { file, width, height };
}

/** TF.js's probabilities for chelsea.png, written by the fixture generator. */
function tfjsTopClass() {
  const meta = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'nsfwjs_mobilenet_v2/meta.json'), 'utf8'));
  assert.match(meta.image, /chelsea\.png/);
  const bytes = fs.readFileSync(path.join(FIXTURES, 'nsfwjs_mobilenet_v2/expected_0.bin'));
  const probabilities = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const top = probabilities.indexOf(Math.max(...probabilities));
  return { name: meta.labels[top], probability: probabilities[top] };
}

let job;
before(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'model-garden-app-'));
  await installPackedPackage(folder);
  fs.copyFileSync(new URL('./png.mjs', import.meta.url), path.join(folder, 'png.mjs'));
  fs.writeFileSync(path.join(folder, 'app.mjs'), APP);
  job = {
    page: pagePath(),
    chelsea: cachedImage('skimage', 'chelsea.png'),
    officialUrls: new URL('./official_urls.mjs', import.meta.url).href,
    cacheDir: path.join(folder, 'cache'),
    person: { ...await rawRgba(cachedImage('darknet', 'person.jpg'), folder), mask: path.join(folder, 'person_mask.rgba') },
    text: await rawRgba(cachedImage('opencv-doc', 'imageTextN.png'), folder),
  };
}, { timeout: 180_000 });

after(() => fs.rmSync(folder, { recursive: true, force: true }));

// Where the person stands in person.jpg (640x424), in image pixels: the map
// is at the model's resolution (the image stretched to 256x256), so the box
// is scaled into it. The person covers about half of the box (they are
// narrower than it at the legs and arms); the dog and the horse beside them
// must not be called person.
const PERSON_BOX = { left: 190, top: 95, right: 275, bottom: 380 };
const MIN_PERSON_SHARE_OF_BOX = 0.35;
// The share of person pixels within the box widened by a third of its width each side.
const MIN_MASK_SHARE_NEAR_PERSON = 0.9;

function assertPersonMask(result, person) {
  assert.ok('person' in result.legend, `person is in the legend ${JSON.stringify(result.legend)}`);
  const [r, g, b] = result.legend.person;
  const mask = fs.readFileSync(person.mask);
  assert.equal(mask.length, result.width * result.height * 4);
  const sx = result.width / person.width, sy = result.height / person.height;
  const box = { left: PERSON_BOX.left * sx, right: PERSON_BOX.right * sx, top: PERSON_BOX.top * sy, bottom: PERSON_BOX.bottom * sy };
  const margin = (box.right - box.left) / 3;
  let inBox = 0, near = 0, total = 0;
  for (let y = 0; y < result.height; ++y) {
    for (let x = 0; x < result.width; ++x) {
      const at = (y * result.width + x) * 4;
      if (mask[at] !== r || mask[at + 1] !== g || mask[at + 2] !== b) continue;
      ++total;
      const inRows = y >= box.top && y < box.bottom;
      if (inRows && x >= box.left && x < box.right) ++inBox;
      if (inRows && x >= box.left - margin && x < box.right + margin) ++near;
    }
  }
  const boxArea = (box.right - box.left) * (box.bottom - box.top);
  console.log(`# person mask (${result.width}x${result.height}): ${total} pixels, ` +
    `${(inBox / boxArea).toFixed(2)} of the person box, ${(near / total).toFixed(2)} of them near it`);
  assert.ok(inBox / boxArea >= MIN_PERSON_SHARE_OF_BOX, `the mask covers ${inBox} of the ${Math.round(boxArea)} pixels of the person box`);
  assert.ok(near / total >= MIN_MASK_SHARE_NEAR_PERSON, `${near} of ${total} person pixels are near the person`);
}

for (const threads of [1, 2]) {
  test(`an installed package detects, reads, classifies and segments from plain node (${threads} thread(s))`, { timeout: 180_000 }, async () => {
    const { stdout } = await run(process.execPath, ['app.mjs', String(threads), JSON.stringify(job)], { cwd: folder });
    const result = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.equal(result.threads, threads);
    assert.equal(result.build, 'simd-threads');

    assert.equal(result.boxes.length, 7, 'the 7 lines of page.png');
    // imageTextN.png: 13 lines of a book page (two of them short), one box each.
    assert.equal(result.textBoxes.length, 13, 'the 13 lines of imageTextN.png');
    for (const box of [...result.boxes, ...result.textBoxes]) assert.equal(box.length, 4);
    // The shipped recognizer reads the page's lines (as natively: test/text_recognition).
    assert.equal(result.lines.length, 7);
    assert.equal(result.lines[0].replaceAll(' ', ''), 'Region-basedsegmentation');  // spaces: see text_reader.test.mjs

    // The same top class as TF.js on the same model and image (Drawing, 0.73).
    const expected = tfjsTopClass();
    assert.equal(result.classes.length, 5);
    assert.equal(result.classes[0].className, expected.name);
    console.log(`# nsfwjs on chelsea.png: ${result.classes[0].className} ${result.classes[0].probability.toFixed(3)} (TF.js ${expected.probability.toFixed(3)})`);
    // Its probability within 0.05 of TF.js's: the two resize the photo to 224x224 differently.
    assert.ok(Math.abs(result.classes[0].probability - expected.probability) < 0.05,
      `top probability ${result.classes[0].probability} vs TF.js ${expected.probability}`);

    // The defaults by their official URLs: Lite0 named by the labels its .tflite packs; DeepLab's map.
    assert.equal(result.defaultClasses.length, 3);
    for (const { className } of result.defaultClasses) assert.doesNotMatch(className, /,|^class \d/);
    assert.ok(result.deeplabMap.width > 0 && result.deeplabMap.ids === result.deeplabMap.width * result.deeplabMap.height);

    assertPersonMask(result, job.person);
  });
}
