// Any image input → RGBA pixels { data, width, height }, the only form the
// runtime reads. DOM sources are drawn once on an OffscreenCanvas.
import { GardenError } from './errors.mjs';

function isRgba(input) {
  return input && typeof input === 'object' && 'data' in input && 'width' in input && 'height' in input &&
    (input.data instanceof Uint8Array || input.data instanceof Uint8ClampedArray);
}

function sourceSize(input) {
  if (typeof VideoFrame !== 'undefined' && input instanceof VideoFrame) return [input.displayWidth, input.displayHeight];
  if (typeof HTMLVideoElement !== 'undefined' && input instanceof HTMLVideoElement) return [input.videoWidth, input.videoHeight];
  if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) return [input.naturalWidth, input.naturalHeight];
  return [input?.width, input?.height];
}

function checkSize(width, height) {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new GardenError('INVALID_ARGUMENT', `image must have a positive integer size, got ${width}x${height}`);
  }
}

let scratch = null;  // one canvas reused for every frame

function drawToRgba(input) {
  const [width, height] = sourceSize(input);
  checkSize(width, height);
  if (typeof OffscreenCanvas === 'undefined') {
    throw new GardenError('INVALID_ARGUMENT', 'this environment takes only { data, width, height } RGBA images');
  }
  if (!scratch) scratch = new OffscreenCanvas(width, height);
  if (scratch.width !== width || scratch.height !== height) { scratch.width = width; scratch.height = height; }
  const context = scratch.getContext('2d', { willReadFrequently: true });
  context.drawImage(input, 0, 0);
  const { data } = context.getImageData(0, 0, width, height);
  return { data, width, height };
}

/** RGBA pixels of `input`, without a copy when it already is RGBA. */
export function toRgba(input) {
  if (isRgba(input)) {
    const { data, width, height } = input;
    checkSize(width, height);
    if (data.length !== width * height * 4) {
      throw new GardenError('INVALID_ARGUMENT', `RGBA data must hold width*height*4 = ${width * height * 4} bytes, got ${data.length}`);
    }
    return { data, width, height };
  }
  if (input && typeof input === 'object' && typeof input.width !== 'undefined') return drawToRgba(input);
  throw new GardenError('INVALID_ARGUMENT', 'image must be ImageData, an image/video/canvas element, ImageBitmap, VideoFrame or { data, width, height }');
}

/**
 * What a page posts to the runtime's worker: an ImageBitmap (transferred, so
 * no copy), or RGBA pixels (copied once by postMessage).
 */
export async function toTransferable(input) {
  if (isRgba(input)) return { image: toRgba(input), transfer: [] };
  if (typeof ImageBitmap !== 'undefined' && input instanceof ImageBitmap) return { image: input, transfer: [] };
  if (typeof createImageBitmap === 'function' && input && typeof input === 'object') {
    const [width, height] = sourceSize(input);
    checkSize(width, height);
    // The file's own pixel values (as PIL/OpenCV read them, which models are
    // trained on), not gamma- or colour-managed ones.
    const bitmap = await createImageBitmap(input, { colorSpaceConversion: 'none' });
    return { image: bitmap, transfer: [bitmap] };
  }
  return { image: toRgba(input), transfer: [] };
}
