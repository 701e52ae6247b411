// Built-in model names: the defaults shipped with the package, and the
// official artifacts fetched by URL (they need the network the first time).
// They come from the package's catalogue.mjs, generated from
// weights/manifest.json when the package is built.
import { CATALOGUE } from './catalogue.mjs';
import { GardenError } from './errors.mjs';

const PACKAGE_ROOT = new URL('./', import.meta.url);

/**
 * Text detectors: PP-OCRv4 det ships with the package (Apache-2.0, PaddleOCR).
 * PSENet has no official single-file artifact (url null): export it to ONNX
 * and pass modelUrl or the bytes with model: 'psenet' as the kind.
 */
export const TEXT_DETECTORS = Object.fromEntries(Object.entries(CATALOGUE.textDetectors).map(
  ([name, { file, kind, inputSize }]) => [name, { url: file && new URL(file, PACKAGE_ROOT), kind, inputSize }]));

/**
 * Text recognizers, with their dictionary: PP-OCRv4 rec ships with the
 * package (Apache-2.0, PaddleOCR), read at inputWidth x 48.
 */
export const TEXT_RECOGNIZERS = Object.fromEntries(Object.entries(CATALOGUE.textRecognizers).map(
  ([name, { file, dictionary, inputWidth }]) =>
    [name, { url: new URL(file, PACKAGE_ROOT), dictionary: new URL(dictionary, PACKAGE_ROOT), inputWidth }]));

/**
 * Classifiers: the official artifact's URL, or null when there is none to
 * download (the EfficientNet-B* weights: export them to ONNX and pass
 * modelUrl / bytes).
 */
export const CLASSIFIERS = Object.fromEntries(Object.entries(CATALOGUE.classifiers).map(
  ([name, { url }]) => [name, url]));

/** DeepLab v3 as tfjs-models loads it (TF Hub), by base and quantization. */
export function deeplabUrl(base, quantizationBytes) {
  return lookup(CATALOGUE.segmenters, base, 'segmenter base')[quantizationBytes];
}

export function lookup(table, name, what) {
  const entry = Object.hasOwn(table, name) ? table[name] : undefined;
  if (entry === null || entry?.url === null) {
    throw new GardenError('INVALID_ARGUMENT', `${what} '${name}' has no official single-file artifact to download: pass modelUrl or model bytes`);
  }
  if (!entry) {
    throw new GardenError('INVALID_ARGUMENT', `unknown ${what} '${name}' (known: ${Object.keys(table).join(', ')}); pass modelUrl or model bytes`);
  }
  return entry;
}
