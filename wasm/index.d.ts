// Types of the "model-garden" package.
//
//   import { createGarden, GardenError } from 'model-garden';
//   const garden = await createGarden();
//   const det = await garden.loadTextDetector({ model: 'ppocr' });
//   const boxes = await det.detect(image, { minTextBoxArea: 10 });   // [{x, y}[]]
//   det.dispose(); garden.dispose();
//
// Every method that can fail rejects (or throws) a GardenError with a `code`.

/** What every failure carries in `GardenError.code`. */
export type GardenErrorCode =
  | 'INVALID_MODEL'      // the bytes are not a well-formed model of their format
  | 'UNSUPPORTED_OP'     // a well-formed model uses an op the runtime lacks
  | 'UNSUPPORTED_MODEL'  // known ops, but attributes or shapes it cannot run
  | 'INVALID_ARGUMENT'   // a wrong option, image or buffer
  | 'LIMIT_EXCEEDED'     // a size bound (bytes, elements, image size) was exceeded
  | 'IO'                 // a file could not be read (Node), a cache could not be written
  | 'BACKEND'            // XNNPACK or the thread pool refused
  | 'NETWORK'            // a model URL could not be fetched (offline, 404, CORS)
  | 'INTEGRITY'          // a fetched file does not match its checksum (refused, not cached)
  | 'NO_SIMD'            // this WebAssembly engine has no SIMD128
  | 'NOT_ISOLATED'       // the threaded build was asked for on a page without COOP/COEP
  | 'DISPOSED'           // the garden or model was disposed
  | 'OUT_OF_MEMORY'      // the wasm heap cannot grow any further
  | 'INTERNAL';          // a bug: please report it

export class GardenError extends Error {
  readonly name: 'GardenError';
  readonly code: GardenErrorCode;
  constructor(code: GardenErrorCode, message: string);
}

/** RGBA pixels, 4 bytes per pixel, rows packed (as ImageData holds them). */
export interface RgbaPixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * Anything with pixels. In Node only RgbaPixels (and ImageData-like objects)
 * exist; browsers also take the DOM sources.
 */
export type ImageInput =
  | RgbaPixels
  | ImageData
  | ImageBitmap
  | HTMLImageElement
  | HTMLVideoElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | VideoFrame;

/** Bytes of a model: ONNX, TFLite or .garden; TF.js graph models load by URL. */
export type ModelBytes = Uint8Array | ArrayBuffer;

export interface Progress {
  loaded: number;
  /** 0 when the server does not say. */
  total: number;
}

/** How a model given by URL is fetched. */
export interface FetchOptions {
  /** Called as bytes arrive, then once with loaded === total. */
  onProgress?: (progress: Progress) => void;
  /**
   * Keep downloaded files for later loads without the network: Cache Storage
   * in browsers, the garden's cacheDir in Node. Default true. A file with a
   * known checksum (integrity, or the catalogue's) is kept under it.
   */
  cache?: boolean;
  /**
   * Subresource integrity ("sha256-BASE64", also sha384/sha512; several,
   * space-separated, match if any does) of the file the URL names, or an
   * object of them by file name ({ 'model.json': ..., 'group1-shard1of1.bin':
   * ... }), which must then cover every file fetched (a TF.js model's
   * weights too). A mismatch rejects with INTEGRITY and caches nothing.
   * Default: the catalogue's checksum for a named model, where it has one.
   */
  integrity?: string | Record<string, string>;
}

/** What every loader (loadClassifier, loadSegmenter, loadTextDetector, loadModel) takes besides its model. */
export interface LoadOptions extends FetchOptions {
  /**
   * Run the model on a mid-grey frame (zero tensors for loadModel) before the
   * load resolves, and discard the result (default true). A fresh model runs
   * its first calls several times slower than later ones (the engine
   * compiles its code lazily, then optimizes what runs often); warm-up runs
   * repeat for up to about 0.8 s (at least one run, at most 8), or until
   * two runs of 50 ms or more take about the same time, so that the first
   * real call runs at full speed. Results are the same either way.
   * false: a faster load, slower first calls.
   */
  warmup?: boolean;
  /**
   * 'int8': quantize the weights of the model's convolutions and fully
   * connected layers per channel at load, and run those layers in int8
   * (their input quantized per image). Faster, slightly less exact; a model
   * converted with `garden-convert --quantize int8` runs so already, from a
   * file a quarter of the size.
   */
  quantize?: 'int8';
}

export interface CreateGardenOptions {
  /**
   * Threads for the runtime (the caller's included). Default: the number of
   * cores, at most 4. Forced to 1 where the single-thread build is loaded.
   */
  threads?: number;
  /**
   * Browser: run the runtime in a dedicated module Web Worker (default true);
   * false runs it on the calling thread. Ignored in Node (always in-process).
   */
  worker?: boolean;
  /** Where the package's files (garden.mjs, dist/, models/) are served from. Default: this module's folder. */
  baseUrl?: string | URL;
  /**
   * What fetches model URLs (http/https), in place of the global fetch: auth
   * headers, proxies, tests. Node, or pages with { worker: false } (a
   * function cannot be posted to the runtime worker: INVALID_ARGUMENT).
   */
  fetch?: (url: string) => Promise<Response>;
  /** Node: the folder downloaded models are kept in. Default $XDG_CACHE_HOME or ~/.cache, then model-garden/models. */
  cacheDir?: string;
  /**
   * Force a build: 'simd' (single thread, any page) or 'simd-threads' (needs
   * cross-origin isolation, else NOT_ISOLATED). Default: the best available.
   */
  build?: BuildName;
}

export type BuildName = 'simd-threads' | 'simd';

export interface Garden {
  /** Threads the runtime uses (1 in the single-thread build). */
  readonly threads: number;
  /** Whether the page is cross-origin isolated (always true in Node). */
  readonly isolated: boolean;
  /** Which WebAssembly build was loaded. */
  readonly build: BuildName;
  /**
   * The runtime's version: its .garden format and the package's ('garden1-0.1.0').
   * Models fetched by URL are cached as this runtime imported them (as
   * .garden files, beside the downloads) under this version and the file's
   * SHA-256, so a later load of the same file skips the import.
   */
  readonly version: string;
  /** Whether the runtime runs in a Web Worker. */
  readonly inWorker: boolean;

  loadClassifier(options?: ClassifierOptions): Promise<Classifier>;
  loadSegmenter(options?: SegmenterOptions): Promise<Segmenter>;
  loadTextDetector(options?: TextDetectorOptions): Promise<TextDetector>;
  /** Text detection followed by recognition: the words, not only the boxes. */
  loadTextReader(options?: TextReaderOptions): Promise<TextReader>;
  /**
   * The low-level API: any supported model, float tensors in and out. Takes
   * its model as the other loaders do ({ model: bytes } or { modelUrl }), or
   * as the first argument.
   */
  loadModel(options: ModelOptions & ({ model: ModelBytes } | { modelUrl: string | URL })): Promise<Model>;
  loadModel(model: ModelBytes | string | URL, options?: ModelOptions): Promise<Model>;

  /** Bytes of the wasm heap now (it only grows). */
  heapBytes(): Promise<number>;
  /** A classifier of your own classes, taught with a few examples (k nearest neighbours over `classifier.embed`). */
  createFewShotClassifier(classifier: Classifier, options?: { k?: number }): FewShotClassifier;
  /** Empties the model cache (Cache Storage in browsers; cacheDir in Node). */
  clearCache(): Promise<void>;
  /** Frees every model of this garden and stops its threads and worker. */
  dispose(): void;
}

export function createGarden(options?: CreateGardenOptions): Promise<Garden>;
/** Whether SharedArrayBuffer is usable here (Node, or a cross-origin isolated page/worker). */
export function isIsolated(): boolean;
/** The largest `threads` createGarden accepts. */
export const MAX_THREADS: number;

// -- classification -----------------------------------------------------------

export type ClassifierModelName =
  | 'efficientnet-b0' | 'efficientnet-b1' | 'efficientnet-b2' | 'efficientnet-b3'
  | 'efficientnet-b4' | 'efficientnet-b5' | 'efficientnet-b6' | 'efficientnet-b7'
  | 'efficientnet-lite0' | 'efficientnet-lite1' | 'efficientnet-lite2'
  | 'efficientnet-lite3' | 'efficientnet-lite4' | 'mobilenet-v2' | 'nsfwjs';

export interface ClassifierOptions extends LoadOptions {
  /**
   * A known name (its pre-processing preset, and its weights unless modelUrl
   * is given: 'nsfwjs' ships with the package; 'efficientnet-lite0' and
   * 'efficientnet-lite4' are fetched from their official URLs; the
   * EfficientNet-B* have no artifact to download), or model bytes. Default
   * 'efficientnet-lite0' (MediaPipe's, with the ImageNet labels its .tflite packs).
   */
  model?: ClassifierModelName | ModelBytes;
  /** Preset to use with modelUrl or bytes (default: the named model's, else 'efficientnet-b0'). */
  preset?: ClassifierModelName;
  modelUrl?: string | URL;
  /** Square input size for models with dynamic spatial dims (default: the preset's). */
  inputSize?: number;
  /** Class names by output index (default: the model's own, such as a .tflite's packed labels, else the preset's, or "class N"). */
  labels?: string[];
  /**
   * The tensor embed() returns, by name (default: the catalogue's for a named
   * model, else the features the model's classification head reads).
   */
  embeddingOutput?: string;
}

export interface ClassPrediction {
  className: string;
  probability: number;
}

export interface Classifier {
  /** The `topK` most likely classes (default 3), most likely first. */
  classify(image: ImageInput, topK?: number): Promise<ClassPrediction[]>;
  /** The image's embedding (its pooled features), from one run of the model. */
  embed(image: ImageInput): Promise<Float32Array>;
  /** The length of embed()'s result; 0: the model has no embedding. */
  readonly embeddingSize: number;
  dispose(): void;
}

/** An image, or an embedding of the classifier's (embeddingSize values). */
export type ExampleInput = ImageInput | Float32Array | number[];

export interface FewShotPrediction {
  /** The class most of the k nearest examples have (ties: the more similar). */
  label: string;
  /** Each class's share of the k nearest examples' votes. */
  confidences: Record<string, number>;
  /** Cosine similarity of the nearest example: low for something unlike every example. */
  similarity: number;
}

/** What FewShotClassifier.toJSON() saves (examples as base64 float32). */
export interface SavedFewShotClassifier {
  format: 'model-garden-few-shot';
  version: 1;
  dimension: number;
  k: number;
  classes: { label: string; examples: string }[];
}

export class FewShotClassifier {
  constructor(classifier: Classifier, options?: { k?: number });
  readonly dimension: number;
  readonly labels: string[];
  readonly exampleCount: number;
  addExample(input: ExampleInput, label: string): Promise<void>;
  /** k: how many nearest examples vote (default 3, or the save's). */
  predict(input: ExampleInput, k?: number): Promise<FewShotPrediction>;
  getClassExampleCount(): Record<string, number>;
  removeClass(label: string): void;
  clear(): void;
  toJSON(): SavedFewShotClassifier;
  /** Replaces the classes with a save (the object or its JSON text); a bad save changes nothing. */
  fromJSON(saved: SavedFewShotClassifier | string): this;
}

/** Cosine similarity of two embeddings of the same length. */
export function cosineSimilarity(a: Float32Array | number[], b: Float32Array | number[]): number;

// -- segmentation -------------------------------------------------------------

export type SegmenterBase = 'pascal' | 'cityscapes' | 'ade20k' | 'selfie';

export type SegmenterModelName = 'selfie';

export interface SegmenterOptions extends LoadOptions {
  /** DeepLab's label set, colormap and official weights; the preset of modelUrl or bytes. Default 'pascal'. */
  base?: SegmenterBase;
  /** 1, 2 or 4: which of tfjs-models' DeepLab weight files to fetch (default 2). */
  quantizationBytes?: 1 | 2 | 4;
  modelUrl?: string | URL;
  /** A segmenter by name ('selfie': MediaPipe's person segmenter, shipped), or model bytes. Default: DeepLab by base. */
  model?: SegmenterModelName | ModelBytes;
}

export interface SegmentOptions {
  /** Also return `confidence` (default false). */
  confidence?: boolean;
  /**
   * 'model' (default): the maps at the model's resolution, the part of its
   * output that shows the image; 'image': resampled to the image's size (nearest).
   */
  resolution?: 'model' | 'image';
}

export interface SegmentationResult {
  /** The classes present in this map: name → [r, g, b]. */
  legend: Record<string, [number, number, number]>;
  /** width * height * 4 bytes, the colormap with alpha 255; ready for `new ImageData`. */
  segmentationMap: Uint8ClampedArray;
  /** width * height class ids (indices into Segmenter.labels), row by row. */
  classIds: Uint8Array;
  /**
   * With { confidence: true }: per pixel, the probability of its class (the
   * softmax of the model's scores), or for the selfie model the person probability.
   */
  confidence?: Float32Array;
  width: number;
  height: number;
}

export interface Segmenter {
  /** Class names by class id, for every id the model can produce. */
  readonly labels: string[];
  segment(image: ImageInput, options?: SegmentOptions): Promise<SegmentationResult>;
  dispose(): void;
}

/** An RGBA colour, channels in [0, 255] (as body-segmentation takes them). */
export interface Color {
  r: number;
  g: number;
  b: number;
  a: number;
}

export interface MaskOptions {
  /** Foreground class ids, or names with `labels` (Segmenter.labels). Default: every class but 0 (background). */
  classes?: (number | string)[];
  labels?: string[];
  /** Where the result has `confidence`: foreground pixels must be at least this sure. */
  minConfidence?: number;
}

/**
 * A mask of the result's size: `foreground` (default transparent) on the
 * foreground classes, `background` (default opaque black) elsewhere.
 * ImageData where it exists, else { data, width, height }.
 */
export function toBinaryMask(result: SegmentationResult,
  options?: MaskOptions & { foreground?: Color; background?: Color }): ImageData | RgbaPixels;

/** Draws `image` on `canvas` (sized to it) with `mask` stretched over it. Pages and workers. */
export function drawMask(canvas: HTMLCanvasElement | OffscreenCanvas, image: CanvasImageSource,
  mask?: ImageData | RgbaPixels, options?: { opacity?: number; blur?: number; flipHorizontal?: boolean }): void;

/**
 * Draws `image` on `canvas` (sized to it) with the background blurred by
 * `backgroundBlur` px (default 3) and the foreground sharp, its edge softened
 * by `edgeBlur` px (default 3); minConfidence defaults to 0.5. Pages and workers.
 */
export function blurBackground(canvas: HTMLCanvasElement | OffscreenCanvas, image: CanvasImageSource,
  result: SegmentationResult,
  options?: MaskOptions & { backgroundBlur?: number; edgeBlur?: number; flipHorizontal?: boolean }): void;

// -- text detection -----------------------------------------------------------

export type TextDetectorModelName = 'ppocr' | 'psenet';

export interface TextDetectorOptions extends LoadOptions {
  /** 'ppocr' (DB, shipped with the package; the default) or 'psenet', or model bytes. */
  model?: TextDetectorModelName | ModelBytes;
  modelUrl?: string | URL;
  /** Post-processing kind for modelUrl/bytes (default: 'ppocr'). */
  kind?: TextDetectorModelName;
  /**
   * Square model input size (a multiple of 32) for models with dynamic
   * spatial dims; images are resized into it, aspect kept. Default 640 (ppocr),
   * 256 (psenet: tfjs-models' resizeLength, which is a load-time choice here).
   */
  inputSize?: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface DetectOptions {
  /** Boxes with a smaller area are dropped: image pixels² for ppocr, model-map pixels for psenet (tfjs-models). Default 10. */
  minTextBoxArea?: number;
  /** Minimum mean text probability of a box, 0..1. Default 0.6 (ppocr), 0.94 (psenet). */
  minTextConfidence?: number;
  /** Per-pixel threshold: a probability 0..1 for ppocr (default 0.3), a logit for psenet (default 1). */
  minPixelSalience?: number;
  /** PSENet: 'minAreaRect' (4 corners, the default), 'convexHull' or 'polygon'. ppocr gives rectangles. */
  processPoints?: 'minAreaRect' | 'convexHull' | 'polygon';
}

/**
 * One detected text region: its polygon (4 points, clockwise from the
 * top-left, for rectangles) in image pixels, with the region's mean text
 * probability (0..1) as `score`.
 */
export type TextBox = Point[] & { score: number };

export interface TextDetector {
  /** One polygon per text box, in image pixels, each with its score. */
  detect(image: ImageInput, options?: DetectOptions): Promise<TextBox[]>;
  dispose(): void;
}

// -- reading text ---------------------------------------------------------------

export interface TextReaderOptions extends LoadOptions {
  /** A PP-OCR (DB) detector: 'ppocr' (shipped; the default) or model bytes. */
  detector?: 'ppocr' | ModelBytes;
  detectorUrl?: string | URL;
  /** A CTC recognizer: 'ppocr' (PP-OCRv4 rec with its dictionary, shipped; the default) or model bytes. */
  recognizer?: 'ppocr' | ModelBytes;
  recognizerUrl?: string | URL;
  /** The recognizer's dictionary as text, one character a line (needed for a recognizer given as bytes or URL). */
  dictionary?: string;
  dictionaryUrl?: string | URL;
  /**
   * Check each line's direction with a 0/180-degree classifier and turn the
   * ones it finds upside down before reading them: true or 'ppocr' (PaddleOCR's
   * mobile v2.0 classifier, shipped), or model bytes. Default false.
   */
  direction?: boolean | 'ppocr' | ModelBytes;
  directionUrl?: string | URL;
  /** The detector's square input size, a multiple of 32. Default 640. */
  inputSize?: number;
  /**
   * The recognizer's widest input (its height is 48; a multiple of 32, at
   * least 320). It runs at the widths 320, 640, ... up to this one, sharing
   * its weights; each line is read at the narrowest that holds it, lines
   * wider than this scaled down into it. Default 1280.
   */
  recognizerWidth?: number;
  /** Lines read with a lower mean character probability are left out, 0..1. Default 0.5. */
  minScore?: number;
}

export interface TextLine {
  text: string;
  /** Mean probability of the characters read, 0..1. */
  score: number;
  /**
   * The line's 4 corners, clockwise from the top-left, in image pixels,
   * clipped to the image. A tilted line that runs off the edge is read along
   * its whole rectangle (the edge's pixels repeated), not along this box.
   */
  box: Point[];
}

export interface TextReader {
  /** The lines of the image in reading order (top to bottom, left to right). */
  read(image: ImageInput): Promise<TextLine[]>;
  dispose(): void;
}

// -- low-level model ----------------------------------------------------------

export interface ModelOptions extends LoadOptions {
  /** Record per-operator times (see Model.profile). */
  profile?: boolean;
  /** For models with dynamic spatial dims (PP-OCR's [1,3,?,?]): give both or neither. */
  inputHeight?: number;
  inputWidth?: number;
  /** Threads for this model, at most the garden's. */
  threads?: number;
}

export interface TensorInfo {
  name: string;
  shape: number[];
  layout: 'NCHW' | 'NHWC' | 'any';
  /** The element type the model declares: inputs are float32; run() returns each output in its type. */
  dtype: 'float32' | 'int32' | 'int64' | 'uint8' | 'bool';
}

/** An output as run() returns it: by its declared type (bool as 0/1 bytes). */
export type OutputArray = Float32Array | Int32Array | BigInt64Array | Uint8Array;

export interface Model {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  /**
   * What the import changed that you should know, or "": a TF.js model whose
   * while loop (a detector's non-maximum suppression) was cut out returns the
   * tensors the loop reads (boxes and scores before suppression), and says so here.
   */
  readonly notes: string;
  /** Runs the model on one Float32Array per input; resolves to copies of the outputs, each in its declared dtype. */
  run(inputs: Float32Array[]): Promise<OutputArray[]>;
  /** Per-operator times of the last run; needs { profile: true } at load. */
  profile(): Promise<{ name: string; milliseconds: number }[]>;
  dispose(): void;
}
