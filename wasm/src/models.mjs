// Built-in model names: the defaults shipped with the package, and the
// official artifacts fetched by URL (they need the network the first time).
import { GardenError } from './errors.mjs';

const PACKAGE_ROOT = new URL('./', import.meta.url);

/** Text detectors: PP-OCRv4 det ships with the package (Apache-2.0, PaddleOCR). */
export const TEXT_DETECTORS = {
  ppocr: { url: new URL('models/ppocr_det.onnx', PACKAGE_ROOT), kind: 'ppocr', inputSize: 640 },
  // PSENet has no official single-file artifact: export it to ONNX and pass
  // modelUrl or the bytes with model: 'psenet' as the kind.
  psenet: { url: null, kind: 'psenet', inputSize: 256 },
};

/**
 * Classifiers: MediaPipe's EfficientNet-Lite0 and the ONNX Model Zoo's Lite4.
 * The EfficientNet-B* weights have no official single-file artifact (export
 * them to ONNX and pass modelUrl / bytes): null.
 */
export const CLASSIFIERS = {
  'efficientnet-b0': null,
  'efficientnet-lite0': 'https://storage.googleapis.com/mediapipe-models/image_classifier/efficientnet_lite0/float32/1/efficientnet_lite0.tflite',
  'efficientnet-lite4': 'https://github.com/onnx/models/raw/main/validated/vision/classification/efficientnet-lite4/model/efficientnet-lite4-11.onnx',
};

/** DeepLab v3 as tfjs-models loads it (TF Hub), by base and quantization. */
export function deeplabUrl(base, quantizationBytes) {
  const variant = quantizationBytes === 4 ? 'default' : `quantized/${quantizationBytes}`;
  return `https://tfhub.dev/tensorflow/tfjs-model/deeplab/${base}/1/${variant}/1/model.json?tfjs-format=file`;
}

export function lookup(table, name, what) {
  const entry = table[name];
  if (entry === null || entry?.url === null) {
    throw new GardenError('INVALID_ARGUMENT', `${what} '${name}' has no official single-file artifact to download: pass modelUrl or model bytes`);
  }
  if (!entry) {
    throw new GardenError('INVALID_ARGUMENT', `unknown ${what} '${name}' (known: ${Object.keys(table).join(', ')}); pass modelUrl or model bytes`);
  }
  return entry;
}
