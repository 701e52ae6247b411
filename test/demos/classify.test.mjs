// The classification page: five classes with probability bars, from an
// upload and from the camera. nsfwjs' MobileNetV2 (real weights, the page's
// default) must call a photo of a cat "Neutral"; EfficientNet-B0 (random
// weights, an architecture demo) must still show five ImageNet classes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage, runCamera, sampleImage, screenshot, setUp, uploadAndWait, waitForFrames } from './harness.mjs';

/** What the page shows below the image: name, bar width (%) and value per row. */
function shownPredictions(page) {
  return page.evaluate(() => [...document.querySelectorAll('ol.predictions li')].map((item) => ({
    name: item.querySelector('.name').textContent,
    bar: parseFloat(item.querySelector('.bar').style.width),
    value: parseFloat(item.querySelector('.value').textContent),
    probability: Number(item.dataset.probability),
  })));
}

function checkFiveBars(rows) {
  assert.equal(rows.length, 5);
  for (const [index, row] of rows.entries()) {
    assert.ok(row.probability >= 0 && row.probability <= 1, `probability ${row.probability}`);
    // The bar and the number say the same thing (to the 0.1 % they are rounded to).
    assert.ok(Math.abs(row.bar - row.probability * 100) <= 0.05, `bar ${row.bar} % vs ${row.probability}`);
    assert.ok(Math.abs(row.value - row.probability * 100) <= 0.05);
    if (index > 0) assert.ok(row.probability <= rows[index - 1].probability, 'most likely first');
  }
}

let env;
before(async () => { env = await setUp({ fakeVideoImage: 'chelsea.png' }); });
after(async () => { await env?.tearDown(); });

test('nsfwjs ranks an uploaded photo of a cat as TF.js does, with five bars', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}classify.html`);
  await waitForFrames(page, 1);
  assert.equal(await page.inputValue('#model'), 'nsfwjs');
  await uploadAndWait(page, sampleImage('chelsea.png'));
  const rows = await shownPredictions(page);
  checkFiveBars(rows);
  // nsfwjs has exactly five classes: the five rows are all of them.
  assert.deepEqual(rows.map(({ name }) => name).sort(), ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']);
  const total = rows.reduce((sum, { probability }) => sum + probability, 0);
  assert.ok(Math.abs(total - 1) < 1e-3, `the probabilities sum to ${total}`);
  // TF.js runs the same model.json on this photo as Drawing 0.734, Neutral 0.249,
  // Hentai 0.012, Porn 0.003, Sexy 0.001 (build/fixtures/nsfwjs_mobilenet_v2);
  // the page resizes in its own way, so the order is compared, and the top
  // probability within 0.05.
  assert.deepEqual(rows.map(({ name }) => name), ['Drawing', 'Neutral', 'Hentai', 'Porn', 'Sexy']);
  assert.ok(Math.abs(rows[0].probability - 0.734) < 0.05, `Drawing at ${rows[0].probability}`);
  await screenshot(page, 'classify');
  assert.deepEqual(errors, []);
});

test('EfficientNet-B0 (random weights) shows five ImageNet classes', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}classify.html?model=efficientnet-b0`);
  await waitForFrames(page, 1);
  assert.match(await page.textContent('#model-note'), /random weights — architecture demo/i);
  const rows = await shownPredictions(page);
  checkFiveBars(rows);
  assert.equal(new Set(rows.map(({ name }) => name)).size, 5);
  for (const { name } of rows) assert.doesNotMatch(name, /^class \d+$/, 'ImageNet names, not indices');
  assert.deepEqual(errors, []);
});

test('the camera updates the bars frame after frame without blocking the page', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}classify.html?model=efficientnet-b0`);
  await waitForFrames(page, 1);
  const seen = await runCamera(page, 6);
  assert.match(seen.fps, /^\d+(\.\d+)?$/);
  checkFiveBars(await shownPredictions(page));
  assert.ok(seen.longestTask < 100, `a main-thread task took ${seen.longestTask} ms while the camera ran`);
  await screenshot(page, 'classify-camera');
  assert.deepEqual(errors, []);
});
