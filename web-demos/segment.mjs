// Segment: a colored mask blended over the image or the camera, the legend of
// the classes present, an opacity slider; or the background blurred behind
// what the model finds (people, for the selfie model).
import { sampleFile, startDemo } from './common/demo.mjs';

const BACKGROUND = 'background';

// One reusable canvas holds the mask at the model's resolution; it is scaled
// onto the stage.
let maskCanvas = null;
let maskPixels = null;

function paintMask({ segmentationMap, width, height, legend }) {
  if (!maskCanvas || maskCanvas.width !== width || maskCanvas.height !== height) {
    maskCanvas = new OffscreenCanvas(width, height);
    maskPixels = new ImageData(width, height);
  }
  const pixels = maskPixels.data;
  pixels.set(segmentationMap);
  const background = hideBackground.checked ? legend[BACKGROUND] : undefined;
  if (background) {
    const [r, g, b] = background;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b) pixels[i + 3] = 0;
    }
  }
  maskCanvas.getContext('2d').putImageData(maskPixels, 0, 0);
}

// Blur strengths in pixels of the frame: the background, and the mask's edge.
const BACKGROUND_BLUR = 12;
const EDGE_BLUR = 4;

// The package's drawing helpers, imported when the blur mode is first chosen
// (the page shows images even when the package is not built).
let drawing = null;

function render(context, result, { width, height }, frame) {
  if (mode.value === 'blur' && drawing) {
    drawing.blurBackground(context.canvas, frame, result, { backgroundBlur: BACKGROUND_BLUR, edgeBlur: EDGE_BLUR });
    return;
  }
  paintMask(result);
  context.save();
  context.globalAlpha = Number(opacity.value);
  context.imageSmoothingEnabled = true;
  context.drawImage(maskCanvas, 0, 0, width, height);
  context.restore();
}

const colorKey = (r, g, b) => (r << 16) | (g << 8) | b;

/** The share of the map's pixels that have each color. */
function areaByColor({ segmentationMap: map }) {
  const counts = new Map();
  for (let i = 0; i < map.length; i += 4) {
    const key = colorKey(map[i], map[i + 1], map[i + 2]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const total = map.length / 4;
  return ([r, g, b]) => (counts.get(colorKey(r, g, b)) ?? 0) / total;
}

function show(element, result) {
  const share = areaByColor(result);
  const list = document.createElement('ul');
  list.className = 'legend';
  for (const [name, color] of Object.entries(result.legend)) {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    const transparent = name === BACKGROUND && hideBackground.checked;
    swatch.className = transparent ? 'swatch transparent' : 'swatch';
    if (!transparent) swatch.style.background = `rgb(${color.join(',')})`;
    swatch.setAttribute('aria-hidden', 'true');
    const percent = share(color) * 100;
    item.append(swatch, `${name} ${percent < 0.1 ? '< 0.1' : percent.toFixed(1)} %`);
    item.dataset.className = name;
    list.append(item);
  }
  const heading = document.createElement('h2');
  heading.textContent = 'Classes in the image';
  element.replaceChildren(heading, list);
}

const demo = startDemo({
  samples: [{ label: 'Person (person.jpg)', url: sampleFile('person.jpg') }],
  load: (garden, options) => garden.loadSegmenter(options),
  urlOptions: (model, url) => ({ base: model.options.base, modelUrl: url }),
  infer: (segmenter, image) => segmenter.segment(image),
  render,
  show,
});

// The page's own controls, built by startDemo.
const mode = document.getElementById('mode');
const opacity = document.getElementById('opacity');
const hideBackground = document.getElementById('hide-background');
opacity.addEventListener('input', () => demo.redraw());
hideBackground.addEventListener('change', () => demo.redraw());
mode.addEventListener('change', async () => {
  if (mode.value === 'blur') drawing ??= await import('model-garden/drawing.mjs');
  opacity.disabled = hideBackground.disabled = mode.value === 'blur';
  demo.redraw();
});
