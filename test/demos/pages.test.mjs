// Every page loads cleanly, links to the others, and degrades with a clear
// message: no camera, a model that fails to load, a page that is not
// cross-origin isolated.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PACKAGE_DIR, ROOT, openPage, setUp, waitForFrames } from './harness.mjs';

const PAGES = ['segment.html', 'classify.html', 'detect.html'];
// The files each page's default model downloads: nsfwjs' fixture, the text reader's shipped files.
const nsfwjs = path.join(ROOT, 'build/fixtures/nsfwjs_mobilenet_v2');
const DEFAULT_FILES = {
  'classify.html': ['model.json', 'group1-shard1of2', 'group1-shard2of2'].map((file) => path.join(nsfwjs, file)),
  'detect.html': ['ppocr_det.onnx', 'ppocr_rec.onnx', 'ppocr_keys_v1.txt'].map((file) => path.join(PACKAGE_DIR, 'models', file)),
};

let env;
before(async () => { env = await setUp(); });  // no fake camera: this browser has none
after(async () => { await env?.tearDown(); });

function messages(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.message')]
    .map((element) => [element.dataset.topic, { kind: element.className.replace('message ', ''), text: element.textContent }])));
}

test('the index page links to the three demos, without console errors', async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url);
  const links = await page.$$eval('main a', (anchors) => anchors.map((anchor) => anchor.getAttribute('href')));
  assert.deepEqual(links, PAGES);
  assert.match(await page.textContent('#isolation'), /is cross-origin isolated/);
  assert.deepEqual(errors, []);
});

test('each demo page starts isolated, with threads, and switches to the others', async () => {
  for (const name of PAGES) {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}${name}`);
    await page.waitForFunction(() => ['ready', 'error'].includes(window.demo?.status));
    assert.equal(await page.textContent('#stat-isolated'), 'yes', name);
    assert.equal(await page.textContent('#stat-build'), 'simd-threads, in a worker', name);
    assert.ok(Number(await page.textContent('#stat-threads')) >= 1, name);
    // What the model's load read (all of the text reader's files), and how long it took.
    if (DEFAULT_FILES[name]) {
      const bytes = DEFAULT_FILES[name].reduce((sum, file) => sum + fs.statSync(file).size, 0);
      assert.equal(await page.textContent('#stat-size'), `${(bytes / 1e6).toFixed(1)} MB`, name);
    }
    assert.match(await page.textContent('#stat-load'), /^\d+ ms$/, name);
    assert.equal(await page.getAttribute('nav a[aria-current="page"]', 'href'), name);
    assert.deepEqual((await page.$$eval('nav a', (anchors) => anchors.map((anchor) => anchor.getAttribute('href')))), PAGES);
    assert.deepEqual(errors, [], name);
    await page.close();
  }
});

test('without a camera the page says so and images keep working', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}detect.html`);
  await waitForFrames(page, 1);
  await page.click('#camera-start');
  await page.waitForSelector('.message[data-topic="camera"].error');
  const { camera } = await messages(page);
  assert.match(camera.text, /No camera was found|denied|blocked/);
  assert.equal(await page.isEnabled('#camera-start'), true, 'the camera can be tried again');
  await page.click('#samples button');
  await waitForFrames(page, 2);
  assert.equal(await page.textContent('#box-count'), '7 text boxes');
  assert.deepEqual(errors, []);
});

test('a model that fails to load is reported and another one can be picked', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}detect.html`);
  await waitForFrames(page, 1);
  await page.fill('#model-url', `${env.server.url}models/no-such-model.onnx`);
  await page.click('#load-url');
  await page.waitForSelector('.message[data-topic="model"].error');
  const { model } = await messages(page);
  assert.match(model.text, /failed to load: .*HTTP 404.*\(NETWORK\)/);
  // Bytes that are not a model: a typed error, not a crash.
  await page.fill('#model-url', `${env.server.url}samples/page.png`);
  await page.click('#load-url');
  await page.waitForFunction(() => /INVALID_MODEL|UNSUPPORTED/.test(document.querySelector('.message[data-topic="model"]')?.textContent));
  // The page still works: the default model loads again and finds the lines.
  const before = await page.evaluate(() => window.demo.frames);
  await page.selectOption('#model', 'psenet');
  await page.selectOption('#model', 'ppocr');
  await waitForFrames(page, before + 1);
  assert.equal(await page.textContent('#box-count'), '7 text boxes');
  // The browser logs the 404 itself; nothing else may fail.
  assert.deepEqual(errors.filter((error) => !/status of 404/.test(error)), []);
});

test('a page that is not cross-origin isolated runs single-threaded and says so', async () => {
  // The same server, minus the isolation headers.
  const stripIsolation = (page) => page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}detect.html`, stripIsolation);
  await waitForFrames(page, 1);
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  assert.equal(await page.textContent('#stat-isolated'), 'no');
  assert.equal(await page.textContent('#stat-build'), 'simd, in a worker');
  assert.equal(await page.textContent('#stat-threads'), '1');
  const { isolation } = await messages(page);
  assert.match(isolation.text, /not cross-origin isolated.*one thread/);
  assert.equal(await page.textContent('#box-count'), '7 text boxes');
  assert.deepEqual(errors, []);
});
