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

/** Waits for `count` more results than the page had drawn when `before` was read. */
async function framesAfter(page, before, count = 1) {
  await waitForFrames(page, before + count);
}
const framesNow = (page) => page.evaluate(() => window.demo.frames);

test('teach mode: classes taught from uploads and the camera, predicted, saved and reloaded', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}classify.html`);
  await waitForFrames(page, 1);
  let before = await framesNow(page);
  await page.selectOption('#classes-mode', 'teach');
  await framesAfter(page, before);
  assert.match(await page.textContent('#results'), /Add a class and record/);

  // "person": three presses on the uploaded person.jpg, one example each.
  await uploadAndWait(page, sampleImage('person.jpg'));
  await page.fill('#teach-label', 'person');
  await page.click('#teach-add');
  for (let i = 0; i < 3; ++i) {
    before = await framesNow(page);
    await page.click('li[data-label="person"] .record');
    await framesAfter(page, before);
  }

  // "cat": held down while the camera (chelsea.png) runs, an example a frame.
  await page.fill('#teach-label', 'cat');
  await page.click('#teach-add');
  await runCamera(page, 2);
  await page.hover('li[data-label="cat"] .record');
  await page.mouse.down();
  await framesAfter(page, await framesNow(page), 4);
  await page.mouse.up();
  const counts = await page.evaluate(() => window.teacher.counts);
  assert.equal(counts.person, 3);
  assert.ok(counts.cat >= 3, `${counts.cat} examples of cat recorded while held`);
  assert.match(await page.textContent('li[data-label="cat"] .count'), new RegExp(`^${counts.cat} examples$`));

  // The camera still shows the cat: all k nearest examples are cats.
  await framesAfter(page, await framesNow(page), 2);
  let rows = await shownPredictions(page);
  assert.equal(rows[0].name, 'cat');
  assert.equal(rows[0].probability, 1);
  assert.match(await page.textContent('#results h2'), /Your classes/);
  await screenshot(page, 'classify-teach');

  // Saved in localStorage, loaded again by a new visit.
  await page.click('#teach-save');
  assert.match(await page.textContent('#teach-status'), /^Saved \d+ examples of 2 classes/);
  await page.click('#camera-stop');
  const saved = await page.evaluate(() => localStorage.getItem('model-garden-teach'));
  await page.reload();
  await waitForFrames(page, 1);
  before = await framesNow(page);
  await page.selectOption('#classes-mode', 'teach');
  await framesAfter(page, before);
  before = await framesNow(page);
  await page.click('#teach-load');
  await framesAfter(page, before);
  assert.deepEqual(await page.evaluate(() => window.teacher.counts), counts);
  assert.equal(await page.evaluate(() => localStorage.getItem('model-garden-teach')), saved);
  // The sample shown at load is chelsea.png: a cat; the uploaded person is a person.
  assert.equal((await shownPredictions(page))[0].name, 'cat');
  await uploadAndWait(page, sampleImage('person.jpg'));
  rows = await shownPredictions(page);
  assert.equal(rows[0].name, 'person');
  assert.deepEqual(errors, []);
});
