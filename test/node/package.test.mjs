// The package as a user gets it: `npm pack` the built package, install the
// tarball into an empty folder, and run a plain `node app.mjs` that detects
// the text of a scanned page with the shipped default model.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { PACKAGE, pagePath } from './helpers.mjs';

const run = promisify(execFile);
let folder;

const APP = `
import fs from 'node:fs';
import { createGarden } from 'model-garden';
import { decodePng } from './png.mjs';

const threads = Number(process.argv[2]);
const garden = await createGarden({ threads });
const detector = await garden.loadTextDetector({ model: 'ppocr' });
const boxes = await detector.detect(decodePng(fs.readFileSync(process.argv[3])));
console.log(JSON.stringify({ threads: garden.threads, build: garden.build, boxes }));
detector.dispose();
garden.dispose();
`;

before(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'model-garden-app-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', folder], { cwd: PACKAGE });
  const [{ filename, files }] = JSON.parse(stdout);
  const packed = files.map((file) => file.path);
  for (const needed of ['garden.mjs', 'index.d.ts', 'dist/garden_wasm.wasm', 'dist/garden_wasm_st.wasm', 'models/ppocr_det.onnx']) {
    assert.ok(packed.includes(needed), `${needed} is in the tarball`);
  }
  fs.writeFileSync(path.join(folder, 'package.json'), '{ "name": "app", "private": true, "type": "module" }\n');
  await run('npm', ['install', '--no-audit', '--no-fund', path.join(folder, filename)], { cwd: folder });
  fs.copyFileSync(new URL('./png.mjs', import.meta.url), path.join(folder, 'png.mjs'));
  fs.writeFileSync(path.join(folder, 'app.mjs'), APP);
}, { timeout: 120_000 });

after(() => fs.rmSync(folder, { recursive: true, force: true }));

for (const threads of [1, 2]) {
  test(`an installed package detects the 7 lines of page.png from plain node (${threads} thread(s))`, { timeout: 120_000 }, async () => {
    const { stdout } = await run(process.execPath, ['app.mjs', String(threads), pagePath()], { cwd: folder });
    const { threads: used, build, boxes } = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.equal(used, threads);
    assert.equal(build, 'simd-threads');
    assert.equal(boxes.length, 7);
    for (const box of boxes) assert.equal(box.length, 4);
  });
}
