// The text detection page: PP-OCRv4 (shipped with the package) finds the 7
// lines of skimage's scanned page and reads them, from an upload and from the
// camera; the lines can be copied and redacted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage, runCamera, sampleImage, screenshot, setUp, uploadAndWait, waitForFrames } from './harness.mjs';

let env;
before(async () => { env = await setUp({ fakeVideoImage: 'page.png' }); });
after(async () => { await env?.tearDown(); });

test('an uploaded page shows its 7 text lines as boxes, with their text', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}detect.html`);
  await waitForFrames(page, 1);  // the sample shown at start
  await uploadAndWait(page, sampleImage('page.png'));
  const shown = await page.evaluate(() => ({
    count: Number(document.getElementById('box-count').dataset.count),
    heading: document.getElementById('box-count').textContent,
    listed: document.querySelectorAll('ol.boxes li').length,
    boxes: window.demo.lastResult.boxes,
    texts: [...document.querySelectorAll('ol.boxes li')].map((item) => item.textContent),
    copied: document.getElementById('copy-text')?.dataset.text,
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
  // Read as natively (test/text_recognition), up to the title's space (see test/node/text_reader.test.mjs).
  assert.equal(shown.texts[0].replaceAll(' ', ''), 'Region-basedsegmentation');
  assert.equal(shown.texts[1], 'Let us first determine markers of the coins and the');
  assert.equal(shown.copied, shown.texts.join('\n'), '"Copy all text" holds every line');
  await screenshot(page, 'detect');
  assert.deepEqual(errors, []);
});

test('redaction hides every line, or only the lines that match a pattern', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}detect.html`);
  await waitForFrames(page, 1);
  await uploadAndWait(page, sampleImage('page.png'));
  // The canvas pixel at the middle of line `index`'s box, and the listed texts.
  const look = (index) => page.evaluate((i) => {
    const box = window.demo.lastResult.boxes[i];
    const x = Math.round(box.reduce((sum, p) => sum + p.x, 0) / 4);
    const y = Math.round(box.reduce((sum, p) => sum + p.y, 0) / 4);
    const pixel = [...document.getElementById('canvas').getContext('2d').getImageData(x, y, 1, 1).data.slice(0, 3)];
    return { pixel, texts: [...document.querySelectorAll('ol.boxes li')].map((item) => item.textContent),
      copied: document.getElementById('copy-text').dataset.text };
  }, index);
  const black = [0, 0, 0];
  assert.notDeepEqual((await look(1)).pixel, black);
  await page.fill('#redact-pattern', 'coins');  // typing picks "lines that match"
  const matched = await look(1);
  assert.deepEqual(matched.pixel, black, 'the line with "coins" is filled');
  assert.equal(matched.texts[1], '(redacted)');
  assert.notDeepEqual((await look(0)).pixel, black, 'the title stays');
  assert.ok(!matched.copied.includes('coins'), 'a redacted line is not copied');
  await page.fill('#redact-pattern', 'back(ground)');  // a regular expression: lines 3 and 4
  const regex = await look(2);
  assert.deepEqual(regex.pixel, black);
  assert.deepEqual(regex.texts.map((text) => text === '(redacted)'), [false, false, true, true, false, false, false]);
  await screenshot(page, 'detect-redact');
  await page.selectOption('#redact', 'all');
  for (let i = 0; i < 7; ++i) assert.deepEqual((await look(i)).pixel, black, `line ${i} filled`);
  await page.selectOption('#redact', 'none');
  assert.notDeepEqual((await look(1)).pixel, black);
  assert.deepEqual(errors, []);
});

test('the camera shows boxes frame after frame, redacted, without blocking the page', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}detect.html`);
  await waitForFrames(page, 1);
  await page.selectOption('#redact', 'all');
  const seen = await runCamera(page, 4);
  // Every line of the frame on screen is filled black (the canvas is drawn and redacted in one task).
  const centers = await page.evaluate(() => window.demo.lastResult.boxes.map((box) => {
    const x = Math.round(box.reduce((sum, p) => sum + p.x, 0) / 4);
    const y = Math.round(box.reduce((sum, p) => sum + p.y, 0) / 4);
    return [...document.getElementById('canvas').getContext('2d').getImageData(x, y, 1, 1).data.slice(0, 3)];
  }));
  assert.ok(centers.length >= 6);
  for (const pixel of centers) assert.deepEqual(pixel, [0, 0, 0]);
  assert.match(seen.fps, /^\d+(\.\d+)?$/, 'the FPS readout shows a number');
  assert.match(seen.latency, /^\d+(\.\d+)? ms$/);
  const count = await page.evaluate(() => window.demo.lastResult.boxes.length);
  // The fake camera plays page.png shifted by a few pixels: the same lines.
  assert.ok(count >= 6 && count <= 8, `${count} boxes on a camera frame of the page`);
  assert.ok(seen.longestTask < 100, `a main-thread task took ${seen.longestTask} ms while the camera ran`);
  await screenshot(page, 'detect-camera');
  assert.deepEqual(errors, []);
});

// The picker's int8 entry: the same shipped models, quantized at load.
test('the int8 text reader finds and reads the same 7 lines', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}detect.html?model=ppocr-int8`);
  await waitForFrames(page, 1);
  assert.match(await page.textContent('#model-note'), /int8/);
  await uploadAndWait(page, sampleImage('page.png'));
  const texts = await page.evaluate(() => [...document.querySelectorAll('ol.boxes li')].map((item) => item.textContent));
  assert.equal(texts.length, 7);
  assert.equal(texts[1], 'Let us first determine markers of the coins and the');
  assert.match(await page.textContent('#stat-size'), /, run in int8$/);
  assert.deepEqual(errors, []);
});
