// The text detection page: PP-OCRv4 (shipped with the package) finds the 7
// lines of skimage's scanned page, from an upload and from the camera.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage, runCamera, sampleImage, screenshot, setUp, uploadAndWait, waitForFrames } from './harness.mjs';

let env;
before(async () => { env = await setUp({ fakeVideoImage: 'page.png' }); });
after(async () => { await env?.tearDown(); });

test('an uploaded page shows its 7 text lines as boxes', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}detect.html`);
  await waitForFrames(page, 1);  // the sample shown at start
  await uploadAndWait(page, sampleImage('page.png'));
  const shown = await page.evaluate(() => ({
    count: Number(document.getElementById('box-count').dataset.count),
    heading: document.getElementById('box-count').textContent,
    listed: document.querySelectorAll('ol.boxes li').length,
    boxes: window.demo.lastResult,
    canvas: [document.getElementById('canvas').width, document.getElementById('canvas').height],
  }));
  assert.equal(shown.heading, '7 text boxes');
  assert.equal(shown.count, 7);
  assert.equal(shown.listed, 7);
  assert.deepEqual(shown.canvas, [384, 191]);
  for (const box of shown.boxes) {
    assert.equal(box.length, 4);
    for (const { x, y } of box) {
      assert.ok(x >= 0 && x <= 384 && y >= 0 && y <= 191, `corner (${x}, ${y}) outside the image`);
    }
    // Printed lines are wide and short.
    assert.ok(box[1].x - box[0].x > 2 * (box[3].y - box[0].y), `box ${JSON.stringify(box)} is not a text line`);
  }
  // Sorted by line, top to bottom: the title first.
  const tops = shown.boxes.map((box) => box[0].y);
  assert.deepEqual(tops, [...tops].sort((a, b) => a - b));
  await screenshot(page, 'detect');
  assert.deepEqual(errors, []);
});

test('the camera shows boxes frame after frame without blocking the page', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}detect.html`);
  await waitForFrames(page, 1);
  const seen = await runCamera(page, 4);
  assert.match(seen.fps, /^\d+(\.\d+)?$/, 'the FPS readout shows a number');
  assert.match(seen.latency, /^\d+(\.\d+)? ms$/);
  const count = await page.evaluate(() => window.demo.lastResult.length);
  // The fake camera plays page.png shifted by a few pixels: the same lines.
  assert.ok(count >= 6 && count <= 8, `${count} boxes on a camera frame of the page`);
  assert.ok(seen.longestTask < 100, `a main-thread task took ${seen.longestTask} ms while the camera ran`);
  await screenshot(page, 'detect-camera');
  assert.deepEqual(errors, []);
});
