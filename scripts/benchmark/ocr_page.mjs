// Whole-page OCR: PP-OCRv4's detector and recognizer reading skimage's
// page.png, by Model Garden and by onnxruntime-web on the same two ONNX files.
//
// Garden runs its text reader (reader.read(page)): the page fitted into the
// detector's 640 x 640 input, detection, DB post-processing, each line cut
// out, fitted and recognized, CTC decoding. onnxruntime-web runs the same
// models on tensors of the same sizes, the same lines' recognizer inputs that
// garden made (`garden ocr --save-inputs`) and the page at the detector's
// 640 x 640 (the detector fixture's input resampled), and decodes each line's
// output with the same greedy CTC rule in JS. So the peer does less (no
// resizing, no post-processing, no cropping): only the runtimes and the
// decoding are timed for it.
import { timeRunner } from './runners.mjs';

export const OCR_PAGE_ID = 'ocr-page';

/** PaddleOCR's greedy CTC decoding: best class per step, repeats merged, blanks (0) dropped. */
function ctcGreedy(probabilities, steps, classes, dictionary) {
  let text = '';
  let previous = -1;
  for (let t = 0; t < steps; ++t) {
    let best = 0;
    for (let c = 1; c < classes; ++c) if (probabilities[t * classes + c] > probabilities[t * classes + best]) best = c;
    if (best !== 0 && best !== previous) text += dictionary[best - 1] ?? ' ';
    previous = best;
  }
  return text;
}

class GardenPageReader {
  async load(inputs, threads, env) {
    const { createGarden } = await env.importGarden();
    this.garden = await createGarden({ threads, worker: false });
    this.reader = await this.garden.loadTextReader({
      detector: inputs.detector, recognizer: inputs.recognizer, dictionary: inputs.dictionaryText, inputSize: inputs.detSize,
    });
    this.page = inputs.page;
  }

  async run() { this.lines = (await this.reader.read(this.page)).map((line) => line.text); }

  dispose() {
    this.reader?.dispose();
    this.garden?.dispose();
  }
}

class OrtPageReader {
  async load(inputs, threads, env) {
    this.ort = await env.importOrt();
    this.ort.env.wasm.numThreads = threads;
    const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
    this.detector = await this.ort.InferenceSession.create(inputs.detector, options);
    this.recognizer = await this.ort.InferenceSession.create(inputs.recognizer, options);
    const { Tensor } = this.ort;
    this.detFeeds = { [this.detector.inputNames[0]]: new Tensor('float32', inputs.detInput, [1, 3, inputs.detSize, inputs.detSize]) };
    this.lineFeeds = inputs.lineInputs.map((data) =>
      ({ [this.recognizer.inputNames[0]]: new Tensor('float32', data, [1, 3, 48, data.length / (3 * 48)]) }));
    this.dictionary = inputs.dictionary;
  }

  async run() {
    await this.detector.run(this.detFeeds);
    this.lines = [];
    for (const feeds of this.lineFeeds) {
      const output = (await this.recognizer.run(feeds))[this.recognizer.outputNames[0]];
      const [, steps, classes] = output.dims;
      this.lines.push(ctcGreedy(output.data, steps, classes, this.dictionary));
    }
  }

  dispose() {
    this.detector?.release();
    this.recognizer?.release();
  }
}

const READERS = { garden: GardenPageReader, ort: OrtPageReader };

/** Load, first run, one warm-up run, then the timed runs (timeRunner); the lines read. */
export function measurePage(runtime, inputs, threads, targetRuns, env) {
  const reader = new READERS[runtime]();
  return timeRunner(reader, () => reader.load(inputs, threads, env), targetRuns, undefined, (r) => ({ lines: r.lines }));
}

/** The report's table: garden and onnxruntime-web per thread count, and the lines each read. */
export function pageReport(results) {
  const cell = (r) => (r.error ? `error: ${r.error}` : `${r.medianMs.toFixed(1)}`);
  const rows = ['| threads | garden ms (reader.read) | onnxruntime-web ms (det + rec runs + JS decoding) | garden / ort | lines read (garden, ort) | same text |',
    '|---|---|---|---|---|---|'];
  for (const { threads, garden, ort } of results) {
    const ratio = garden.error || ort.error ? '—' : (garden.medianMs / ort.medianMs).toFixed(2);
    const same = garden.error || ort.error ? '—' : String(JSON.stringify(garden.lines) === JSON.stringify(ort.lines));
    rows.push(`| ${threads} | ${cell(garden)} | ${cell(ort)} | ${ratio} | ${garden.lines?.length ?? '—'}, ${ort.lines?.length ?? '—'} | ${same} |`);
  }
  return rows.join('\n');
}
