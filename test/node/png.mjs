// A minimal PNG decoder for tests: 8-bit, non-interlaced, gray / gray+alpha /
// RGB / RGBA / palette, to RGBA pixels { data, width, height }. Anything else
// throws.
import zlib from 'node:zlib';

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

// Undoes the per-row filters in place; `bpp` bytes per pixel.
function unfilter(raw, width, height, bpp) {
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; ++y) {
    const filter = raw[y * (stride + 1)];
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const at = y * stride;
    for (let x = 0; x < stride; ++x) {
      const left = x >= bpp ? out[at + x - bpp] : 0;
      const up = y > 0 ? out[at - stride + x] : 0;
      const upLeft = y > 0 && x >= bpp ? out[at - stride + x - bpp] : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      if (predictor === undefined) throw new Error(`PNG: bad filter ${filter}`);
      out[at + x] = (row[x] + predictor) & 255;
    }
  }
  return out;
}

export function decodePng(bytes) {
  const view = Buffer.from(bytes);
  if (view.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let offset = 8, width = 0, height = 0, colorType = 0, palette = null, alphas = null;
  const idat = [];
  while (offset < view.length) {
    const length = view.readUInt32BE(offset);
    const type = view.toString('latin1', offset + 4, offset + 8);
    const data = view.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colorType = data[9];
      if (data[8] !== 8 || data[12] !== 0 || !(colorType in CHANNELS)) {
        throw new Error(`PNG: only 8-bit non-interlaced gray/RGB(A), got depth ${data[8]} type ${colorType}`);
      }
    } else if (type === 'PLTE') {
      palette = data;
    } else if (type === 'tRNS') {
      alphas = data;
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  const channels = CHANNELS[colorType];
  const pixels = unfilter(zlib.inflateSync(Buffer.concat(idat)), width, height, channels);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; ++i) {
    const p = pixels.subarray(i * channels, (i + 1) * channels);
    if (colorType === 3) {
      const index = p[0];
      if (!palette || index * 3 + 2 >= palette.length) throw new Error('PNG: palette index out of range');
      rgba.set([palette[index * 3], palette[index * 3 + 1], palette[index * 3 + 2],
        alphas && index < alphas.length ? alphas[index] : 255], i * 4);
      continue;
    }
    const [r, g, b] = channels >= 3 ? p : [p[0], p[0], p[0]];
    rgba.set([r, g, b, channels === 2 || channels === 4 ? p[channels - 1] : 255], i * 4);
  }
  return { data: rgba, width, height };
}
