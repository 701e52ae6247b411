// What the demo page tests share: the server (scripts/serve.mjs on a free
// port), Debian's Chromium driven by playwright-core (optionally with a fake
// webcam playing a .y4m made from a sample image), console-error capture,
// long-task capture and screenshots.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PACKAGE_DIR = process.env.GARDEN_PACKAGE_DIR || path.join(ROOT, 'build/wasm/wasm/package');
export const SCREENSHOT_DIR = path.join(ROOT, 'build/screenshots');
const CACHE = process.env.GARDEN_CACHE || path.join(homedir(), '.cache', 'model-garden');
const CHROMIUM = process.env.GARDEN_CHROMIUM || '/usr/bin/chromium';
const PYTHON = process.env.GARDEN_PYTHON || '/usr/bin/python3';

const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The path of a sample image the fixture scripts extracted (person.jpg, page.png, ...). */
export function sampleImage(name) {
  const imagesDir = path.join(CACHE, 'images');
  const found = existsSync(imagesDir)
    ? readdirSync(imagesDir).map((dir) => path.join(imagesDir, dir, name)).find((file) => existsSync(file))
    : undefined;
  if (!found) throw new Error(`${name} is missing under ${imagesDir}: run scripts/make-fixtures`);
  return found;
}

/** Fails with one clear line when the package has not been built. */
export function requirePackage() {
  if (!existsSync(path.join(PACKAGE_DIR, 'dist', 'garden_wasm.mjs'))) {
    throw new Error(`the wasm package is not built in ${PACKAGE_DIR}: run scripts/build wasm`);
  }
}

/** Starts scripts/serve.mjs on a free port; resolves to { url, close() }. */
export function startServer() {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/serve.mjs'), '0'], {
    env: { ...process.env, GARDEN_PACKAGE_DIR: PACKAGE_DIR },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${output}`)), 10000);
    child.on('exit', (code) => reject(new Error(`the server exited (${code}): ${output}`)));
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /serving (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.resume();
      resolve({
        url: match[1],
        close: () => new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', done);
          child.kill('SIGTERM');
        }),
      });
    });
  });
}

/**
 * A 4:2:0 YUV4MPEG2 video of `frames` frames made from an image, each frame
 * shifted a few pixels so consecutive results differ; Chromium's fake camera
 * plays it in a loop.
 */
export function makeY4m(imagePath, directory, frames = 6) {
  const output = path.join(directory, `${path.basename(imagePath).replace(/\.\w+$/, '')}.y4m`);
  execFileSync(PYTHON, ['-c', `
import sys
from PIL import Image, ImageChops
source, output, frames = sys.argv[1], sys.argv[2], int(sys.argv[3])
image = Image.open(source).convert('RGB')
width, height = image.size[0] // 2 * 2, image.size[1] // 2 * 2   # 4:2:0 needs even sizes
image = image.crop((0, 0, width, height))
with open(output, 'wb') as out:
    out.write(b'YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C420jpeg\\n' % (width, height))
    for index in range(frames):
        frame = ImageChops.offset(image, 2 * index, 0)
        y, u, v = frame.convert('YCbCr').split()
        out.write(b'FRAME\\n')
        out.write(y.tobytes())
        out.write(u.resize((width // 2, height // 2), Image.BILINEAR).tobytes())
        out.write(v.resize((width // 2, height // 2), Image.BILINEAR).tobytes())
`, imagePath, output, String(frames)]);
  return output;
}

/**
 * Launches Chromium with a fresh profile. fakeVideo: a .y4m path for the fake
 * camera; without it the browser has no camera at all.
 * Resolves to { context, newPage(), close() }.
 */
export async function launchBrowser({ fakeVideo } = {}) {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'garden-chromium-'));
  const args = [...CHROMIUM_FLAGS];
  if (fakeVideo) {
    args.push('--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${fakeVideo}`);
  }
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: { width: 1280, height: 860 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `url`, recording console errors, page errors and long main-thread
 * tasks. prepare(page) runs before the page loads (to route requests).
 */
export async function openPage(context, url, prepare) {
  const page = await context.newPage();
  await prepare?.(page);
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url);
  return { page, errors };
}

/** Waits until the page's model is loaded and `frames` results were drawn. */
export async function waitForFrames(page, frames, timeout = 90000) {
  await page.waitForFunction((count) => window.demo?.frames >= count || window.demo?.status === 'error',
    frames, { timeout });
  const state = await page.evaluate(() => ({
    status: window.demo.status,
    frames: window.demo.frames,
    messages: [...document.querySelectorAll('.message')].map((element) => element.textContent),
  }));
  if (state.frames < frames) throw new Error(`the page reported an error: ${state.messages.join(' | ')}`);
  return state;
}

/** Uploads a file through the page's file input and waits for its result. */
export async function uploadAndWait(page, file) {
  const before = await page.evaluate(() => window.demo.frames);
  await page.setInputFiles('#file', file);
  await waitForFrames(page, before + 1);
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Starts the fake camera, waits for `frames` results from it, and returns
 * what was observed: frames done, the FPS readout, and the longest main-thread
 * task while the camera ran.
 */
export async function runCamera(page, frames) {
  const before = await page.evaluate(() => window.demo.frames);
  const started = await page.evaluate(() => performance.now());
  await page.click('#camera-start');
  await waitForFrames(page, before + frames, 120000);
  return page.evaluate((since) => ({
    frames: window.demo.frames,
    fps: document.getElementById('stat-fps').textContent,
    latency: document.getElementById('stat-latency').textContent,
    cameraMessage: document.querySelector('.message[data-topic="camera"]')?.textContent ?? '',
    longestTask: Math.max(0, ...window.__longTasks.filter(({ start }) => start >= since).map(({ duration }) => duration)),
  }), started);
}

/** One browser and one server for a test file; `t.after` closes both. */
export async function setUp({ fakeVideoImage } = {}) {
  requirePackage();
  const server = await startServer();
  const videoDir = mkdtempSync(path.join(tmpdir(), 'garden-video-'));
  const fakeVideo = fakeVideoImage ? makeY4m(sampleImage(fakeVideoImage), videoDir) : undefined;
  const browser = await launchBrowser({ fakeVideo });
  return {
    server,
    browser,
    tearDown: async () => {
      await browser.close();
      await server.close();
      rmSync(videoDir, { recursive: true, force: true });
    },
  };
}
