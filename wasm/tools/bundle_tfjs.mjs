// Packs a TF.js graph model (model.json and the weight files it names) into
// one file, the bundle the package's loaders read (fetch_model.mjs's
// tfjsBundle): shipped this way, a bundler that renames the package's files
// cannot separate a model from its weights. Run by the package build.
//
//   node bundle_tfjs.mjs MODEL.json OUT
import fs from 'node:fs';
import path from 'node:path';

import { tfjsBundle, tfjsWeightPaths } from '../src/fetch_model.mjs';

const [modelJson, out] = process.argv.slice(2);
if (!modelJson || !out) {
  process.stderr.write('usage: node bundle_tfjs.mjs MODEL.json OUT\n');
  process.exit(2);
}
const json = new Uint8Array(fs.readFileSync(modelJson));
const paths = tfjsWeightPaths(json);
if (paths.length === 0) {
  process.stderr.write(`bundle_tfjs: ${modelJson} names no weight files\n`);
  process.exit(1);
}
const files = paths.map((file) => new Uint8Array(fs.readFileSync(path.join(path.dirname(modelJson), file))));
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, tfjsBundle(json, files));
