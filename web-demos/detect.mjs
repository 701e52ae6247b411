// Detect text: the text boxes found, drawn over the image.
import { sampleFile, startDemo } from './common/demo.mjs';

function render(context, boxes, { width }) {
  const line = Math.max(2, Math.round(width / 400));
  context.save();
  context.lineWidth = line;
  context.lineJoin = 'round';
  context.font = `600 ${Math.max(11, line * 6)}px system-ui, sans-serif`;
  context.textBaseline = 'bottom';
  boxes.forEach((points, index) => {
    context.beginPath();
    points.forEach(({ x, y }, corner) => (corner === 0 ? context.moveTo(x, y) : context.lineTo(x, y)));
    context.closePath();
    context.fillStyle = 'rgba(255, 196, 0, 0.18)';
    context.fill();
    context.strokeStyle = '#e8590c';
    context.stroke();
    if (showNumbers.checked) {
      const label = String(index + 1);
      const { x, y } = points[0];
      const padding = line;
      const labelWidth = context.measureText(label).width + 2 * padding;
      const labelHeight = Math.max(11, line * 6) + padding;
      const top = Math.max(0, y - labelHeight);
      context.fillStyle = '#e8590c';
      context.fillRect(x, top, labelWidth, labelHeight);
      context.fillStyle = '#fff';
      context.fillText(label, x + padding, top + labelHeight);
    }
  });
  context.restore();
}

function show(element, boxes) {
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
  const list = document.createElement('ol');
  list.className = 'boxes';
  for (const points of boxes) {
    const item = document.createElement('li');
    item.textContent = points.map(({ x, y }) => `(${Math.round(x)}, ${Math.round(y)})`).join(' ');
    list.append(item);
  }
  element.replaceChildren(heading, list);
}

const demo = startDemo({
  samples: [
    { label: 'Printed page (page.png)', url: sampleFile('page.png') },
    { label: 'Street sign (scenetext01.jpg)', url: sampleFile('scenetext01.jpg') },
  ],
  load: (garden, options) => garden.loadTextDetector(options),
  urlOptions: (model, url) => ({ kind: model.options.kind, modelUrl: url }),
  infer: (detector, image) => detector.detect(image, { minTextBoxArea: 10 }),
  render,
  show,
});

const showNumbers = document.getElementById('show-numbers');  // the page's own control, built by startDemo
showNumbers.addEventListener('change', () => demo.redraw());
