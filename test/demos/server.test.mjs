// scripts/serve.mjs: the headers that make pages cross-origin isolated, the
// MIME types browsers insist on, the URL layout, and no way out of its folders.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { startServer } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.close(); });

/** A raw GET (fetch would normalize "..": the server must cope with what it is sent). */
function get(path, method = 'GET') {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (response) => {
      let body = '';
      response.setEncoding('latin1');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('every response is cross-origin isolated', async () => {
  for (const path of ['/', '/segment.html', '/no-such-file']) {
    const { headers } = await get(path);
    assert.equal(headers['cross-origin-opener-policy'], 'same-origin', path);
    assert.equal(headers['cross-origin-embedder-policy'], 'require-corp', path);
    assert.equal(headers['cross-origin-resource-policy'], 'same-origin', path);
  }
});

test('files are served with their MIME types', async () => {
  const expected = {
    '/': 'text/html; charset=utf-8',
    '/detect.html': 'text/html; charset=utf-8',
    '/common/demo.mjs': 'text/javascript; charset=utf-8',
    '/common/demo.css': 'text/css; charset=utf-8',
    '/model-garden/garden.mjs': 'text/javascript; charset=utf-8',
    '/model-garden/dist/garden_wasm.wasm': 'application/wasm',
    '/model-garden/package.json': 'application/json; charset=utf-8',
    '/models/ppocrv4_det/model.onnx': 'application/octet-stream',
    '/models/selfie_tflite/model.tflite': 'application/octet-stream',
    '/samples/page.png': 'image/png',
    '/samples/person.jpg': 'image/jpeg',
  };
  for (const [path, type] of Object.entries(expected)) {
    const { status, headers } = await get(path);
    assert.equal(status, 200, path);
    assert.equal(headers['content-type'], type, path);
    assert.ok(Number(headers['content-length']) > 0, path);
  }
  const wasm = await get('/model-garden/dist/garden_wasm.wasm');
  assert.equal(wasm.body.slice(0, 4), '\0asm');
});

test('nothing outside the served folders can be read', async () => {
  for (const path of ['/../scripts/serve.mjs', '/..%2fscripts/serve.mjs', '/%2e%2e/%2e%2e/etc/passwd',
    '/models/..%2f..%2f..%2fetc/passwd', '/model-garden/..%2f..%2f..%2f..%2fCMakeLists.txt',
    '/samples/..%2f..%2fstamps', '/common/%00demo.mjs', '/%E0%A4%A']) {
    const { status, body } = await get(path);
    assert.ok(status === 404 || status === 400, `${path} answered ${status}`);
    assert.doesNotMatch(body, /root:|cmake_minimum_required|import /, path);
  }
});

test('only GET and HEAD are allowed; HEAD has no body', async () => {
  assert.equal((await get('/', 'POST')).status, 405);
  const head = await get('/detect.html', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
});
