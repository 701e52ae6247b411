// The official URLs of the package's catalogue, answered without the network:
// each URL maps to a local file of the same format (a classifier .tflite with
// its labels packed inside as MediaPipe's are, the generated DeepLab TF.js
// graphs, an ONNX classifier). Node tests serve them through createGarden's
// `fetch` option, Chromium tests through Playwright's request routing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { FIXTURES, PACKAGE, ROOT } from './helpers.mjs';

export const { CATALOGUE } = await import(pathToFileURL(path.join(PACKAGE, 'catalogue.mjs')).href);

/** At EfficientNet-Lite0's interface ([1,224,224,3] -> 1000 probabilities), ImageNet's labels packed inside. */
export const PACKED_CLASSIFIER = path.join(ROOT, 'build/native/test/classification/packed_classifier.tflite');
const DEEPLAB_FIXTURES = { 1: 'tfjs_deeplab_mnv2_050_uint8', 2: 'tfjs_deeplab_mnv2_050_uint16', 4: 'tfjs_deeplab_mnv2_050_float32' };

/** Official URL -> local file: a single file, or a TF.js model.json whose weight files sit beside it. */
function officialFiles() {
  const files = new Map([
    [CATALOGUE.classifiers['efficientnet-lite0'].url, PACKED_CLASSIFIER],
    [CATALOGUE.classifiers['efficientnet-lite4'].url, path.join(FIXTURES, 'efficientnet_b0/model.onnx')],
  ]);
  for (const byBytes of Object.values(CATALOGUE.deeplab)) {
    for (const [bytes, url] of Object.entries(byBytes)) files.set(url, path.join(FIXTURES, DEEPLAB_FIXTURES[bytes], 'model.json'));
  }
  return files;
}

const OFFICIAL = officialFiles();
const withoutQuery = (url) => url.split('?')[0];

/** The local file answering `url`: an official URL, or a weight file beside a routed model.json; else null. */
export function localFile(url) {
  if (OFFICIAL.has(url)) return OFFICIAL.get(url);
  for (const [official, file] of OFFICIAL) {
    const folder = withoutQuery(official).replace(/[^/]*$/, '');
    if (file.endsWith('model.json') && url.startsWith(folder)) return path.join(path.dirname(file), url.slice(folder.length));
  }
  return null;
}

const sri = (file) => `sha256-${crypto.createHash('sha256').update(fs.readFileSync(file)).digest('base64')}`;

/** The integrity option for an official URL's local file: one string, or every TF.js file by name. */
export function integrityOf(url) {
  const file = OFFICIAL.get(url);
  if (!file.endsWith('model.json')) return sri(file);
  const { weightsManifest } = JSON.parse(fs.readFileSync(file, 'utf8'));
  const names = ['model.json', ...weightsManifest.flatMap((group) => group.paths)];
  return Object.fromEntries(names.map((name) => [name, sri(path.join(path.dirname(file), name))]));
}
