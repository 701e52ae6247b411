// What the three demo pages share: the page's markup (shell.mjs), the
// runtime, the model picker (the page's models in the package's catalogue,
// generated from weights/manifest.json), the image sources (sample, upload,
// drag and drop, paste, webcam), the stage canvas, the readouts and the
// messages. A page's HTML gives its name and texts (see shell.mjs), its
// module the task-specific parts:
//
//   startDemo({
//     load: (garden, options) => garden.loadSegmenter(options),
//     urlOptions: (model, url) => ({ ... }),    // options for "load from URL"
//     infer: (runner, image) => runner.segment(image),
//     render: (context, result, size, frame) => { ... },  // over the frame (drawn already)
//     show: (element, result) => { ... },          // the readout below the stage
//     samples: [{ label, url }],
//   });
//
// The runtime works in its own Web Worker (the package's default), so the
// main thread only decodes images, draws, and waits: a camera frame is taken
// when the previous frame's result has arrived.
import { Messages } from './messages.mjs';
import { Camera } from './camera.mjs';
import { buildDemoPage } from './shell.mjs';

const $ = (id) => document.getElementById(id);

/** Local model files are not kept in Cache Storage: a rebuild must be seen. */
function fetchOptionsFor(url, onProgress) {
  const local = url === undefined || new URL(url, location.href).origin === location.origin;
  return { onProgress, cache: !local };
}

/** The page's models in the package's catalogue, offline defaults first. */
async function catalogueModels(page) {
  const { CATALOGUE } = await import('model-garden/catalogue.mjs');
  return CATALOGUE.demos[page].map(({ id, label, note, options, fixture }) =>
    ({ id, label, note, options: fixture ? { ...options, modelUrl: modelFile(fixture) } : options }));
}

/**
 * The bytes a load read, from its onProgress reports: each file counts from 0
 * again (a text reader loads three), so a report below the last one starts
 * the next file.
 */
class DownloadSize {
  #done = 0;
  #current = 0;

  report(loaded) {
    if (loaded < this.#current) this.#done += this.#current;
    this.#current = loaded;
  }

  megabytes() { return `${((this.#done + this.#current) / 1e6).toFixed(1)} MB`; }
}

function errorText(error) {
  return error?.code ? `${error.message} (${error.code})` : String(error?.message ?? error);
}

/** The previous frame's work is done: wait for the camera's next frame. */
function nextVideoFrame(video) {
  return new Promise((resolve) => {
    // requestVideoFrameCallback may stay silent for a video that is not on
    // screen; a short timer keeps the loop going anyway.
    const timer = setTimeout(resolve, 150);
    video.requestVideoFrameCallback?.(() => { clearTimeout(timer); resolve(); });
  });
}

class Demo {
  #config;
  #models = [];
  #messages;
  #camera;
  #garden = null;
  #runner = null;       // { model, object }
  #loadToken = 0;
  #chain = Promise.resolve();  // one inference at a time
  #image = null;        // the still image shown (ImageBitmap), kept for re-runs
  #lastFrameSize = null;
  #completions = [];    // times of recent camera results, for FPS
  #elements;

  /** Read by the browser tests, and handy in the console. */
  frames = 0;
  lastResult = null;
  lastLatency = null;
  status = 'starting';

  constructor(config) {
    this.#config = config;
    this.#elements = {
      model: $('model'), modelNote: $('model-note'), modelUrl: $('model-url'), loadUrl: $('load-url'),
      progress: $('progress'), samples: $('samples'), file: $('file'), stage: $('stage'),
      canvas: $('canvas'), hint: $('hint'), busy: $('busy'), results: $('results'),
      build: $('stat-build'), threads: $('stat-threads'), isolated: $('stat-isolated'),
      latency: $('stat-latency'), fps: $('stat-fps'), size: $('stat-size'), loadTime: $('stat-load'),
    };
    this.#messages = new Messages($('messages'));
    this.#camera = new Camera({
      video: $('video'), picker: $('camera'), start: $('camera-start'), stop: $('camera-stop'),
      messages: this.#messages,
      onStart: (video, isCurrent) => this.#cameraLoop(video, isCurrent),
    });
  }

  async start() {
    await this.#fillModelPicker();
    this.#wireInputs();
    this.#showIsolation();
    this.#camera.init();
    this.#showSample(this.#config.samples[0]);
    await this.#startRuntime();
    if (this.#garden) await this.#loadModel(this.#selectedModel());
  }

  // -- runtime and models ------------------------------------------------------

  async #startRuntime() {
    const { build, threads } = this.#elements;
    try {
      const { createGarden } = await import('model-garden');
      this.#garden = await createGarden();
      build.textContent = `${this.#garden.build}${this.#garden.inWorker ? ', in a worker' : ''}`;
      threads.textContent = String(this.#garden.threads);
    } catch (error) {
      this.status = 'error';
      build.textContent = 'not loaded';
      threads.textContent = '–';
      this.#messages.show('runtime', 'error',
        `The runtime could not start: ${errorText(error)}. Images still show; results need the runtime (build it with scripts/build wasm).`);
      this.#setModelControls(false);
    }
  }

  async #fillModelPicker() {
    try {
      this.#models = await catalogueModels(document.body.dataset.page);
    } catch {
      // No package: the runtime cannot start either, and says so.
    }
    const { model } = this.#elements;
    for (const entry of this.#models) model.add(new Option(entry.label, entry.id));
    // ?model=ID links to a page with another model than the default.
    const asked = new URLSearchParams(location.search).get('model');
    if (this.#models.some(({ id }) => id === asked)) model.value = asked;
    model.addEventListener('change', () => this.#loadModel(this.#selectedModel()));
    this.#elements.loadUrl.addEventListener('click', () => this.#loadFromUrl());
    this.#elements.modelUrl.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { event.preventDefault(); this.#loadFromUrl(); }
    });
  }

  #selectedModel() {
    return this.#models.find(({ id }) => id === this.#elements.model.value) ?? this.#models[0];
  }

  #setModelControls(enabled) {
    for (const element of [this.#elements.model, this.#elements.modelUrl, this.#elements.loadUrl]) element.disabled = !enabled;
  }

  #loadFromUrl() {
    const url = this.#elements.modelUrl.value.trim();
    if (!url) {
      this.#messages.show('model', 'warning', 'Type the URL of a model file first.');
      return;
    }
    const base = this.#selectedModel();
    this.#loadModel({ ...base, label: url, note: `From ${url}, with the pre-processing of “${base.label}”.`,
      options: this.#config.urlOptions(base, url) });
  }

  async #loadModel(model) {
    if (!this.#garden) return;
    const token = ++this.#loadToken;
    const { progress, modelNote, size, loadTime } = this.#elements;
    const int8 = model.options.quantize === 'int8';
    modelNote.textContent = model.note;
    this.status = 'loading';
    this.#messages.show('model', 'info', `Loading ${model.label}…`);
    progress.hidden = false;
    progress.removeAttribute('value');
    await this.#releaseRunner();
    size.textContent = loadTime.textContent = '–';
    const download = new DownloadSize();
    const onProgress = ({ loaded, total }) => {
      if (token !== this.#loadToken) return;
      download.report(loaded);
      if (total > 0) { progress.max = total; progress.value = loaded; }
    };
    const started = performance.now();
    try {
      const object = await this.#config.load(this.#garden,
        { ...model.options, ...fetchOptionsFor(model.options.modelUrl, onProgress) });
      if (token !== this.#loadToken) { object.dispose(); return; }
      this.#runner = { model, object };
      this.status = 'ready';
      const milliseconds = Math.round(performance.now() - started);
      size.textContent = `${download.megabytes()}${int8 ? ', run in int8' : ''}`;
      loadTime.textContent = `${milliseconds} ms`;
      this.#messages.show('model', 'info', `${model.label} loaded in ${milliseconds} ms.`);
      if (this.#image && !this.#camera.running) await this.#process(this.#image);
    } catch (error) {
      if (token !== this.#loadToken) return;
      this.status = 'error';
      this.#messages.show('model', 'error', `${model.label} failed to load: ${errorText(error)}. Pick another model.`);
    } finally {
      if (token === this.#loadToken) progress.hidden = true;
    }
  }

  /** Stops using the current model once its frame in flight is done. */
  async #releaseRunner() {
    const previous = this.#runner;
    this.#runner = null;
    await this.#chain;
    previous?.object.dispose();
  }

  // -- image sources -----------------------------------------------------------

  #wireInputs() {
    const { samples, file, stage } = this.#elements;
    for (const sample of this.#config.samples) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = sample.label;
      button.addEventListener('click', () => this.#showSample(sample));
      samples.append(button);
    }
    file.addEventListener('change', () => {
      if (file.files[0]) this.#showBlob(file.files[0]);
      file.value = '';
    });
    stage.addEventListener('dragover', (event) => {
      event.preventDefault();
      stage.classList.add('dragging');
    });
    stage.addEventListener('dragleave', () => stage.classList.remove('dragging'));
    stage.addEventListener('drop', (event) => {
      event.preventDefault();
      stage.classList.remove('dragging');
      const [dropped] = event.dataTransfer.files;
      if (dropped) this.#showBlob(dropped);
    });
    document.addEventListener('paste', (event) => {
      const pasted = [...event.clipboardData.files].find((item) => item.type.startsWith('image/'));
      if (pasted) { event.preventDefault(); this.#showBlob(pasted); }
    });
  }

  async #showSample({ url, label }) {
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await this.#showBlob(await response.blob(), label);
    } catch (error) {
      this.#messages.show('input', 'warning', `The sample image ${label} is not available (${error.message}): run scripts/make-fixtures, or upload an image.`);
    }
  }

  async #showBlob(blob, name = blob.name) {
    let bitmap;
    try {
      // Raw pixel values, as the models' training pipelines decoded them (no
      // color management: an embedded ICC profile must not shift what the model sees).
      bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', colorSpaceConversion: 'none' });
    } catch {
      this.#messages.show('input', 'error', `${name || 'That file'} is not an image this browser can decode.`);
      return;
    }
    this.#messages.clear('input');
    this.#camera.stop();
    this.#image?.close();
    this.#image = bitmap;
    this.lastResult = null;
    this.#completions = [];
    this.#elements.fps.textContent = '–';
    await this.#process(bitmap);
  }

  // -- frames ----------------------------------------------------------------

  async #cameraLoop(video, isCurrent) {
    this.#image?.close();
    this.#image = null;
    this.lastResult = null;
    this.#completions = [];
    while (isCurrent()) {
      await nextVideoFrame(video);
      if (!isCurrent() || video.videoWidth === 0) continue;
      const frame = await createImageBitmap(video);
      try {
        await this.#process(frame);
      } finally {
        frame.close();
      }
      this.#countCompletion();
    }
  }

  /** Runs the current model on one frame (one at a time) and draws it. */
  #process(frame) {
    const run = this.#chain.then(() => this.#inferAndDraw(frame));
    this.#chain = run.catch(() => {});
    return run;
  }

  async #inferAndDraw(frame) {
    const runner = this.#runner;
    let result = null;
    if (runner) {
      this.#elements.busy.hidden = false;
      const started = performance.now();
      try {
        result = await this.#config.infer(runner.object, frame);
        this.lastLatency = performance.now() - started;
        this.#elements.latency.textContent = `${this.lastLatency.toFixed(1)} ms`;
        this.#messages.clear('run');
      } catch (error) {
        this.#messages.show('run', 'error', `${runner.model.label} failed on this image: ${errorText(error)}`);
      } finally {
        this.#elements.busy.hidden = true;
      }
    }
    this.#draw(frame, result);
  }

  #draw(frame, result) {
    const { canvas, hint, results } = this.#elements;
    const size = { width: frame.width, height: frame.height };
    if (canvas.width !== size.width || canvas.height !== size.height) {
      canvas.width = size.width;
      canvas.height = size.height;
    }
    canvas.hidden = false;
    hint.hidden = true;
    const context = canvas.getContext('2d');
    context.drawImage(frame, 0, 0);
    this.#lastFrameSize = size;
    if (!result) return;
    this.#config.render(context, result, size, frame);
    this.#config.show(results, result);
    this.lastResult = result;
    this.frames += 1;
    document.body.dataset.frames = String(this.frames);
  }

  /** Runs the model on the still image again (a taught example, a changed option). */
  rerun() {
    return this.#image && !this.#camera.running ? this.#process(this.#image) : this.#chain;
  }

  get cameraRunning() { return this.#camera.running; }

  /** Draws the still image and its last result again (after a display option changed). */
  redraw() {
    if (this.#image && this.lastResult && !this.#camera.running) this.#draw(this.#image, this.lastResult);
  }

  #countCompletion() {
    const now = performance.now();
    this.#completions.push(now);
    while (this.#completions.length > 1 && now - this.#completions[0] > 2000) this.#completions.shift();
    const span = now - this.#completions[0];
    if (this.#completions.length > 1 && span > 0) {
      this.#elements.fps.textContent = ((this.#completions.length - 1) * 1000 / span).toFixed(1);
    }
  }

  // -- readouts ----------------------------------------------------------------

  #showIsolation() {
    const isolated = globalThis.crossOriginIsolated === true;
    const { isolated: cell } = this.#elements;
    cell.textContent = isolated ? 'yes' : 'no';
    cell.className = isolated ? 'yes' : 'no';
    if (!isolated) {
      this.#messages.show('isolation', 'warning',
        'This page is not cross-origin isolated, so the runtime uses one thread. Serve it with scripts/serve (COOP/COEP headers) for more.');
    }
  }
}

/** Builds a demo page and starts it; returns the controller (also at window.demo). */
export function startDemo(config) {
  buildDemoPage();
  const demo = new Demo(config);
  window.demo = demo;
  demo.start().catch((error) => {
    demo.status = 'error';
    new Messages($('messages')).show('page', 'error', `The page failed to start: ${errorText(error)}`);
  });
  return demo;
}

/** The URL of an offline model file served at /models/ (scripts/serve). */
export function modelFile(path) {
  return new URL(`../models/${path}`, import.meta.url).href;
}

/** The URL of a sample image served at /samples/ (scripts/serve). */
export function sampleFile(name) {
  return new URL(`../samples/${name}`, import.meta.url).href;
}
