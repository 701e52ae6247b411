// The segmentation page with MediaPipe's selfie segmenter (real weights): the
// person's mask covers the person of darknet's person.jpg, from an upload and
// from the camera.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage, runCamera, sampleImage, screenshot, setUp, uploadAndWait, waitForFrames } from './harness.mjs';

// person.jpg (640x424): the person stands in x 188..278, y 98..378 (measured
// on the image); a margin of ~20 px allows for the mask's soft edges.
const PERSON_BOX = { left: 168, top: 80, right: 298, bottom: 398 };
// Points surely on the person: the jacket, the trousers, a boot.
const ON_PERSON = [[228, 190], [232, 290], [226, 350]];

/** Mask statistics in image coordinates, computed in the page from the last result. */
function maskStatistics(page, box, points) {
  return page.evaluate(({ box, points }) => {
    const { segmentationMap: map, width, height, legend } = window.demo.lastResult;
    const canvas = document.getElementById('canvas');
    const scaleX = width / canvas.width;
    const scaleY = height / canvas.height;
    const [r, g, b] = legend.person;
    const isPerson = (x, y) => {
      const i = (Math.floor(y * scaleY) * width + Math.floor(x * scaleX)) * 4;
      return map[i] === r && map[i + 1] === g && map[i + 2] === b;
    };
    let inside = 0;
    let total = 0;
    for (let y = 0; y < canvas.height; y += 1) {
      for (let x = 0; x < canvas.width; x += 1) {
        if (!isPerson(x, y)) continue;
        total += 1;
        if (x >= box.left && x < box.right && y >= box.top && y < box.bottom) inside += 1;
      }
    }
    return {
      total,
      inside,
      imageArea: canvas.width * canvas.height,
      onPerson: points.map(([x, y]) => isPerson(x, y)),
      legend: [...document.querySelectorAll('ul.legend li')].map((item) => item.dataset.className),
    };
  }, { box, points });
}

let env;
before(async () => { env = await setUp({ fakeVideoImage: 'person.jpg' }); });
after(async () => { await env?.tearDown(); });

test('an uploaded photo shows the person masked, and only the person', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}segment.html`);
  await waitForFrames(page, 1);
  assert.equal(await page.inputValue('#model'), 'selfie');
  await uploadAndWait(page, sampleImage('person.jpg'));
  const stats = await maskStatistics(page, PERSON_BOX, ON_PERSON);
  assert.deepEqual(stats.legend, ['background', 'person']);
  assert.deepEqual(stats.onPerson, [true, true, true], 'jacket, trousers and boot are masked');
  // The person fills ~9 % of the photo's area (their box: 90x280 px of 640x424).
  const share = stats.total / stats.imageArea;
  assert.ok(share > 0.03 && share < 0.15, `the mask covers ${(share * 100).toFixed(1)} % of the image`);
  assert.ok(stats.inside / stats.total > 0.9,
    `${((stats.inside / stats.total) * 100).toFixed(1)} % of the mask lies on the person`);
  await screenshot(page, 'segment');
  assert.deepEqual(errors, []);
});

test('the opacity slider changes how strongly the mask is drawn', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}segment.html`);
  await waitForFrames(page, 1);
  const pixelAt = ([x, y]) => page.evaluate(([px, py]) =>
    [...document.getElementById('canvas').getContext('2d').getImageData(px, py, 1, 1).data.slice(0, 3)], [x, y]);
  await page.fill('#opacity', '0');
  const bare = await pixelAt(ON_PERSON[0]);
  await page.fill('#opacity', '1');
  const masked = await pixelAt(ON_PERSON[0]);
  const color = await page.evaluate(() => window.demo.lastResult.legend.person);
  // Opacity 1 paints the person's color exactly (within smoothing), 0 leaves the photo.
  assert.ok(masked.every((value, i) => Math.abs(value - color[i]) <= 8), `masked pixel ${masked} vs ${color}`);
  assert.ok(bare.some((value, i) => Math.abs(value - color[i]) > 30), `unmasked pixel ${bare} vs ${color}`);
  assert.deepEqual(errors, []);
});

test('the camera shows the mask frame after frame without blocking the page', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}segment.html`);
  await waitForFrames(page, 1);
  const seen = await runCamera(page, 6);
  assert.match(seen.fps, /^\d+(\.\d+)?$/);
  assert.match(seen.latency, /^\d+(\.\d+)? ms$/);
  const stats = await maskStatistics(page, { left: 0, top: 0, right: 1e9, bottom: 1e9 }, []);
  const share = stats.total / stats.imageArea;
  assert.ok(share > 0.03 && share < 0.15, `the camera frame's mask covers ${(share * 100).toFixed(1)} %`);
  assert.ok(seen.longestTask < 100, `a main-thread task took ${seen.longestTask} ms while the camera ran`);
  await screenshot(page, 'segment-camera');
  assert.deepEqual(errors, []);
});

/**
 * Sharpness of two regions of the stage against the photo itself: the sum of
 * absolute horizontal differences of the canvas over that of the photo drawn
 * plainly. A blurred region keeps little of its detail; a sharp one all of it.
 */
function detailKept(page, regions) {
  return page.evaluate(async (boxes) => {
    const canvas = document.getElementById('canvas');
    const plain = new OffscreenCanvas(canvas.width, canvas.height);
    const blob = await (await fetch('samples/person.jpg')).blob();
    plain.getContext('2d').drawImage(await createImageBitmap(blob, { colorSpaceConversion: 'none' }), 0, 0, canvas.width, canvas.height);
    const detail = (context, { left, top, right, bottom }) => {
      const { data } = context.getImageData(left, top, right - left, bottom - top);
      const rowBytes = (right - left) * 4;
      let sum = 0;
      for (let i = 0; i + 4 < data.length; ++i) if ((i % rowBytes) < rowBytes - 4 && (i & 3) !== 3) sum += Math.abs(data[i + 4] - data[i]);
      return sum;
    };
    const stage = canvas.getContext('2d');
    return Object.fromEntries(Object.entries(boxes).map(([name, box]) =>
      [name, detail(stage, box) / detail(plain.getContext('2d'), box)]));
  }, regions);
}

// Away from the person: the field and fence left of them; on the person: their jacket and trousers.
const BACKGROUND_REGION = { left: 20, top: 20, right: 150, bottom: 200 };
const PERSON_REGION = { left: 210, top: 170, right: 250, bottom: 320 };

test('blur mode: the background blurred behind the person, from an upload and the camera, without blocking the page', { timeout: 180_000 }, async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}segment.html`);
  await waitForFrames(page, 1);
  await uploadAndWait(page, sampleImage('person.jpg'));
  await page.selectOption('#mode', 'blur');
  await page.waitForFunction(() => document.getElementById('opacity').disabled);
  const kept = await detailKept(page, { background: BACKGROUND_REGION, person: PERSON_REGION });
  console.log(`# detail kept: background ${kept.background.toFixed(2)}, person ${kept.person.toFixed(2)}`);
  assert.ok(kept.background < 0.5, `the background keeps ${kept.background.toFixed(2)} of its detail`);
  assert.ok(kept.person > 0.8, `the person keeps ${kept.person.toFixed(2)} of their detail`);
  await screenshot(page, 'segment-blur');

  const seen = await runCamera(page, 6);
  assert.ok(seen.longestTask < 100, `a main-thread task took ${seen.longestTask} ms while the camera ran with blur`);
  await screenshot(page, 'segment-blur-camera');
  assert.deepEqual(errors, []);
});
