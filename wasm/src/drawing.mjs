// Drawing a segmentation, in the shapes @tensorflow-models/body-segmentation
// users know: toBinaryMask (pixels, anywhere), drawMask and blurBackground
// (a page's or a worker's canvas). A result's maps are at the model's
// resolution or the image's (segment's `resolution`); either way they cover
// the whole image and are stretched over it.
import { GardenError } from './errors.mjs';

const TRANSPARENT = { r: 0, g: 0, b: 0, a: 0 };
const OPAQUE_BLACK = { r: 0, g: 0, b: 0, a: 255 };

function checkResult(result) {
  const { classIds, width, height } = result ?? {};
  if (!(classIds instanceof Uint8Array) || !Number.isInteger(width) || !Number.isInteger(height) ||
      width < 1 || height < 1 || classIds.length !== width * height) {
    throw new GardenError('INVALID_ARGUMENT', 'expected a result of segment(): { classIds, width, height }');
  }
  return result;
}

/**
 * Which class ids count as foreground: `classes` (ids, or names looked up in
 * `labels`), default every id but 0, the background of the garden's
 * segmenters ('background' in Pascal's labels and the selfie model's).
 */
function foregroundIds(classes, labels) {
  const ids = new Uint8Array(256);
  if (classes === undefined) {
    ids.fill(1, 1);
    return ids;
  }
  if (!Array.isArray(classes)) throw new GardenError('INVALID_ARGUMENT', 'classes must be an array of class ids or names');
  for (const item of classes) {
    const id = typeof item === 'string' ? labels?.indexOf(item) ?? -1 : item;
    if (!Number.isInteger(id) || id < 0 || id > 255) {
      throw new GardenError('INVALID_ARGUMENT', `unknown class ${JSON.stringify(item)}${typeof item === 'string' && !labels ? ' (names need labels: the segmenter\'s labels)' : ''}`);
    }
    ids[id] = 1;
  }
  return ids;
}

function color(value, name) {
  const { r = 0, g = 0, b = 0, a = 255 } = value ?? {};
  if (![r, g, b, a].every((channel) => Number.isFinite(channel) && channel >= 0 && channel <= 255)) {
    throw new GardenError('INVALID_ARGUMENT', `${name} must be { r, g, b, a } with values in [0, 255]`);
  }
  return [r, g, b, a];
}

/**
 * A mask of the result's size: `foreground` where a pixel's class is one of
 * the foreground classes (and, if the result has `confidence`, at least
 * `minConfidence` sure), `background` elsewhere. Returns ImageData where it
 * exists (put it on a canvas, or give it to drawMask), else { data, width, height }.
 */
export function toBinaryMask(result, { foreground = TRANSPARENT, background = OPAQUE_BLACK, classes, labels, minConfidence = 0 } = {}) {
  const { classIds, confidence, width, height } = checkResult(result);
  if (!(minConfidence >= 0 && minConfidence <= 1)) throw new GardenError('INVALID_ARGUMENT', `minConfidence must be in [0, 1], got ${minConfidence}`);
  const ids = foregroundIds(classes, labels);
  const front = color(foreground, 'foreground'), back = color(background, 'background');
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < classIds.length; ++i) {
    const inFront = ids[classIds[i]] === 1 && (!confidence || confidence[i] >= minConfidence);
    data.set(inFront ? front : back, i * 4);
  }
  return typeof ImageData === 'function' ? new ImageData(data, width, height) : { data, width, height };
}

function scratchCanvas(width, height) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  if (typeof document === 'object') return Object.assign(document.createElement('canvas'), { width, height });
  throw new GardenError('INVALID_ARGUMENT', 'drawing needs a canvas (a page or a worker)');
}

function imageSize(image) {
  const width = image.displayWidth ?? image.videoWidth ?? image.naturalWidth ?? image.width;
  const height = image.displayHeight ?? image.videoHeight ?? image.naturalHeight ?? image.height;
  if (!(width > 0 && height > 0)) throw new GardenError('INVALID_ARGUMENT', 'the image has no size (not loaded yet?)');
  return { width, height };
}

/** `mask` (ImageData or { data, width, height }) as a canvas of its own size. */
function maskCanvas(mask) {
  const canvas = scratchCanvas(mask.width, mask.height);
  const pixels = mask instanceof ImageData ? mask : new ImageData(new Uint8ClampedArray(mask.data), mask.width, mask.height);
  canvas.getContext('2d').putImageData(pixels, 0, 0);
  return canvas;
}

function drawMirrored(context, flipHorizontal, draw) {
  context.save();
  if (flipHorizontal) {
    context.translate(context.canvas.width, 0);
    context.scale(-1, 1);
  }
  draw();
  context.restore();
}

/**
 * Draws `image` on `canvas` (sized to it) and `mask` stretched over it, at
 * `opacity`, softened by `blur` pixels; mirrored with flipHorizontal (a
 * selfie camera).
 */
export function drawMask(canvas, image, mask, { opacity = 0.7, blur = 0, flipHorizontal = false } = {}) {
  const { width, height } = imageSize(image);
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  drawMirrored(context, flipHorizontal, () => {
    context.drawImage(image, 0, 0, width, height);
    if (!mask) return;
    context.globalAlpha = opacity;
    context.filter = blur > 0 ? `blur(${blur}px)` : 'none';
    context.drawImage(maskCanvas(mask), 0, 0, width, height);
  });
}

/**
 * Draws `image` on `canvas` (sized to it) with its background blurred by
 * `backgroundBlur` pixels and the foreground (see toBinaryMask: `classes`,
 * `minConfidence`, default 0.5 where the result has confidence) kept sharp,
 * its edge softened by `edgeBlur` pixels.
 */
export function blurBackground(canvas, image, result, { backgroundBlur = 3, edgeBlur = 3, classes, labels, minConfidence = 0.5, flipHorizontal = false } = {}) {
  const { width, height } = imageSize(image);
  const mask = toBinaryMask(result, { foreground: OPAQUE_BLACK, background: TRANSPARENT, classes, labels, minConfidence });
  // The sharp foreground: the image, kept where the (stretched, softened) mask is.
  const front = scratchCanvas(width, height);
  const frontContext = front.getContext('2d');
  frontContext.drawImage(image, 0, 0, width, height);
  frontContext.globalCompositeOperation = 'destination-in';
  frontContext.filter = edgeBlur > 0 ? `blur(${edgeBlur}px)` : 'none';
  frontContext.drawImage(maskCanvas(mask), 0, 0, width, height);

  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  drawMirrored(context, flipHorizontal, () => {
    context.filter = backgroundBlur > 0 ? `blur(${backgroundBlur}px)` : 'none';
    context.drawImage(image, 0, 0, width, height);
    context.filter = 'none';
    context.drawImage(front, 0, 0);
  });
}
