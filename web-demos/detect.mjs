// Detect and read text: the text boxes found, drawn over the image; with
// PP-OCR the words read in each line (the package's text reader), to copy, and
// to redact: every line, or only the lines whose text matches a pattern.
import { sampleFile, startDemo } from './common/demo.mjs';

const $ = (id) => document.getElementById(id);

/** PP-OCR's detector reads its lines with the shipped recognizer; other detectors only find boxes. */
async function load(garden, { model, modelUrl, kind = 'ppocr', ...options }) {
  if (kind !== 'ppocr') {
    const detector = await garden.loadTextDetector({ model, modelUrl, kind, ...options });
    return {
      infer: async (image) => ({ boxes: await detector.detect(image, { minTextBoxArea: 10 }), lines: null }),
      dispose: () => detector.dispose(),
    };
  }
  const source = modelUrl ? { detectorUrl: modelUrl } : { detector: model ?? 'ppocr' };
  // Every line found is shown, however sure the recognizer is of its text.
  const reader = await garden.loadTextReader({ ...source, ...options, minScore: 0 });
  return {
    infer: async (image) => {
      const lines = await reader.read(image);
      return { boxes: lines.map(({ box }) => box), lines };
    },
    dispose: () => reader.dispose(),
  };
}

/** The pattern typed: a regular expression when it is one, else the text itself (any case). */
function redactionPattern(text) {
  if (!text) return null;
  try {
    return new RegExp(text, 'i');
  } catch {
    return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  }
}

/** For each box, whether it is to be hidden (the redact control and pattern as they are now). */
function hiddenBoxes(result) {
  const mode = $('redact').value;
  const pattern = mode === 'match' && result.lines ? redactionPattern($('redact-pattern').value.trim()) : null;
  return result.boxes.map((_, index) => mode === 'all' || (pattern !== null && pattern.test(result.lines[index].text)));
}

function tracePath(context, points) {
  context.beginPath();
  points.forEach(({ x, y }, corner) => (corner === 0 ? context.moveTo(x, y) : context.lineTo(x, y)));
  context.closePath();
}

function drawLabel(context, text, { x, y }, line, color) {
  const padding = line;
  const labelWidth = context.measureText(text).width + 2 * padding;
  const labelHeight = Math.max(11, line * 6) + padding;
  const top = Math.max(0, y - labelHeight);
  context.fillStyle = color;
  context.fillRect(x, top, labelWidth, labelHeight);
  context.fillStyle = '#fff';
  context.fillText(text, x + padding, top + labelHeight);
}

function render(context, result, { width }) {
  const line = Math.max(2, Math.round(width / 400));
  context.save();
  context.lineWidth = line;
  context.lineJoin = 'round';
  context.font = `600 ${Math.max(11, line * 6)}px system-ui, sans-serif`;
  context.textBaseline = 'bottom';
  const hidden = hiddenBoxes(result);
  const shown = result.boxes.filter((_, index) => !hidden[index]);
  for (const points of shown) {
    tracePath(context, points);
    context.fillStyle = 'rgba(255, 196, 0, 0.18)';
    context.fill();
    context.strokeStyle = '#e8590c';
    context.stroke();
  }
  result.boxes.forEach((points, index) => {
    if (hidden[index]) return;
    const labels = [];
    if ($('show-numbers').checked) labels.push(String(index + 1));
    if ($('show-text').checked && result.lines) labels.push(result.lines[index].text);
    if (labels.length > 0) drawLabel(context, labels.join('  '), points[0], line, '#e8590c');
  });
  // Last, so that no box or label of another line is drawn over a redacted one.
  result.boxes.forEach((points, index) => {
    if (!hidden[index]) return;
    tracePath(context, points);
    context.fillStyle = '#000';
    context.fill();
  });
  context.restore();
}

function copyButton(lines) {
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'copy-text';
  button.textContent = 'Copy all text';
  const text = lines.map((line) => line.text).join('\n');
  button.dataset.text = text;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Copying is not allowed here';
    }
  });
  return button;
}

function show(element, result) {
  const { boxes, lines } = result;
  const heading = document.createElement('h2');
  heading.textContent = boxes.length === 1 ? '1 text box' : `${boxes.length} text boxes`;
  heading.id = 'box-count';
  heading.dataset.count = String(boxes.length);
  if (boxes.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = 'No text found.';
    element.replaceChildren(heading, empty);
    return;
  }
  const hidden = hiddenBoxes(result);
  const list = document.createElement('ol');
  list.className = lines ? 'boxes lines' : 'boxes';
  boxes.forEach((points, index) => {
    const item = document.createElement('li');
    if (lines) {
      item.textContent = hidden[index] ? '(redacted)' : lines[index].text;
      item.title = `score ${lines[index].score.toFixed(2)}`;
    } else {
      item.textContent = points.map(({ x, y }) => `(${Math.round(x)}, ${Math.round(y)})`).join(' ');
    }
    list.append(item);
  });
  element.replaceChildren(heading, ...(lines ? [copyButton(lines.filter((_, index) => !hidden[index]))] : []), list);
}

const demo = startDemo({
  samples: [
    { label: 'Printed page (page.png)', url: sampleFile('page.png') },
    { label: 'Street sign (scenetext01.jpg)', url: sampleFile('scenetext01.jpg') },
  ],
  load,
  urlOptions: (model, url) => ({ kind: model.options.kind, modelUrl: url }),
  infer: (runner, image) => runner.infer(image),
  render,
  show,
});

// The page's own controls (built by startDemo) redraw the still image's last result.
for (const id of ['show-numbers', 'show-text', 'redact']) $(id).addEventListener('change', () => demo.redraw());
$('redact-pattern').addEventListener('input', () => {
  if ($('redact').value !== 'match') $('redact').value = 'match';
  demo.redraw();
});
