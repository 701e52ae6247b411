// Built-in model names: the defaults shipped with the package, and the
// official artifacts fetched by URL (they need the network the first time).
// They come from the package's catalogue.mjs, generated from
// weights/manifest.json when the package is built.
import { CATALOGUE, SHIPPED_FILES } from './catalogue.mjs';
import { GardenError } from './errors.mjs';

/**
 * The URL of a file the package ships ("models/ppocr_det.onnx"): under
 * baseUrl when the garden was given one, else where catalogue.mjs's literal
 * `new URL('./models/…', import.meta.url)` puts it (bundlers rewrite those
 * and ship the files).
 */
export function packageFileUrl(file, baseUrl) {
  if (baseUrl) return new URL(file, baseUrl);
  const url = Object.hasOwn(SHIPPED_FILES, file) ? SHIPPED_FILES[file]() : null;
  if (!url) throw new GardenError('INTERNAL', `the package does not list ${file}`);
  return url;
}

/** Where a named model's bytes are: its shipped file, else its official URL. */
export const modelSource = ({ file, url }, baseUrl) => (file ? packageFileUrl(file, baseUrl) : url);

/**
 * Text detectors: PP-OCRv4 det ships with the package (Apache-2.0, PaddleOCR).
 * PSENet has no official single-file artifact (no file): export it to ONNX
 * and pass modelUrl or the bytes with model: 'psenet' as the kind.
 */
export const TEXT_DETECTORS = Object.fromEntries(Object.entries(CATALOGUE.textDetectors).map(
  ([name, { file, kind, inputSize }]) => [name, { file, url: null, kind, inputSize }]));

/**
 * Text recognizers, with their dictionary: PP-OCRv4 rec ships with the
 * package (Apache-2.0, PaddleOCR), read at inputWidth x 48.
 */
export const TEXT_RECOGNIZERS = Object.fromEntries(Object.entries(CATALOGUE.textRecognizers).map(
  ([name, { file, dictionary, inputWidth }]) => [name, { file, url: null, dictionary, inputWidth }]));

/** Text direction classifiers (PP-OCR's 0/180 degrees, shipped), for the text reader's `direction`. */
export const TEXT_DIRECTIONS = Object.fromEntries(Object.entries(CATALOGUE.textDirections).map(
  ([name, { file }]) => [name, { file, url: null }]));

/**
 * Models by name: the file the package ships, or the official URL (neither:
 * no artifact to download), the integrity the official file must have where
 * the catalogue knows it, and the preset.
 */
const namedModels = (table) => Object.fromEntries(Object.entries(table).map(
  ([name, { file, url, integrity, preset }]) => [name, { file, url, integrity, preset }]));

/** Classifiers: nsfwjs ships with the package; EfficientNet-Lite0 (the default) and Lite4 by official URL. */
export const CLASSIFIERS = namedModels(CATALOGUE.classifiers);
export const DEFAULT_CLASSIFIER = 'efficientnet-lite0';

/** Segmenters by name (MediaPipe's selfie segmenter ships with the package); DeepLab by base below. */
export const SEGMENTERS = namedModels(CATALOGUE.segmenters);

/** DeepLab v3 as tfjs-models loads it (TF Hub), by base and quantization. */
export function deeplabUrl(base, quantizationBytes) {
  return lookup(CATALOGUE.deeplab, base, 'segmenter base')[quantizationBytes];
}

export function lookup(table, name, what) {
  const entry = Object.hasOwn(table, name) ? table[name] : undefined;
  if (entry && 'file' in entry && !entry.file && !entry.url) {
    throw new GardenError('INVALID_ARGUMENT', `${what} '${name}' has no official single-file artifact to download: pass modelUrl or model bytes`);
  }
  if (!entry) {
    throw new GardenError('INVALID_ARGUMENT', `unknown ${what} '${name}' (known: ${Object.keys(table).join(', ')}); pass modelUrl or model bytes`);
  }
  return entry;
}
