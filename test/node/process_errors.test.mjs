// The package leaves the process's error handlers to the application: a
// script whose model fails to load, with nothing catching the error, ends as
// Node ends any script with an uncaught error: the GardenError and its stack
// on stderr, exit code 1, and nothing of the module's generated source.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { PACKAGE } from './helpers.mjs';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'children/unhandled_error.mjs');
const PACKAGE_URL = pathToFileURL(path.join(PACKAGE, 'garden.mjs')).href;
// What Node prints for an uncaught error: the source line that threw, the
// error's own lines and stack, its fields and the Node version. A line of the
// generated module (tens of KB) is far above it.
const MAX_STDERR_BYTES = 2000;

for (const mode of ['rejection', 'throw']) {
  test(`an unhandled GardenError (${mode}) prints the error, not the module`, { timeout: 60_000 }, () => {
    const child = spawnSync(process.execPath, [SCRIPT, PACKAGE_URL, mode], { encoding: 'utf8', timeout: 50_000 });
    assert.equal(child.status, 1, `exit status (stderr: ${child.stderr.slice(0, 500)})`);
    assert.match(child.stderr, /^GardenError: not a model in any supported format/m);
    assert.match(child.stderr, /code: 'INVALID_MODEL'/);
    assert.match(child.stderr, /^\s+at .*loadModel/m, 'the stack names the call that failed');
    assert.doesNotMatch(child.stderr, /GROWABLE_HEAP|createGardenModule|garden_wasm\.mjs/);
    assert.ok(child.stderr.length < MAX_STDERR_BYTES, `stderr is ${child.stderr.length} bytes`);
  });
}
