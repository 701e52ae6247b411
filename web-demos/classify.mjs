// Classify: the five most likely classes, with probability bars.
import { modelFile, sampleFile, startDemo } from './common/demo.mjs';

const TOP_K = 5;

const models = [
  {
    id: 'nsfwjs',
    label: 'nsfwjs MobileNetV2 (5 classes)',
    note: 'Real weights, offline: nsfwjs’ MobileNetV2-1.4 (TF.js graph model), classes Drawing, Hentai, Neutral, Porn, Sexy.',
    options: { model: 'nsfwjs', modelUrl: modelFile('nsfwjs_mobilenet_v2/model.json') },
  },
  {
    id: 'efficientnet-b0',
    label: 'EfficientNet-B0 (ImageNet) — random weights',
    note: 'Random weights — architecture demo: the real EfficientNet-B0 at 224×224, to show speed. Its answers mean nothing.',
    options: { model: 'efficientnet-b0', modelUrl: modelFile('efficientnet_b0/model.onnx') },
  },
  {
    id: 'efficientnet-lite0-online',
    label: 'EfficientNet-Lite0 (ImageNet) — official weights (online)',
    note: 'MediaPipe’s EfficientNet-Lite0: needs the internet the first time, then stays in the browser cache.',
    options: { model: 'efficientnet-lite0' },
  },
];

function show(element, predictions) {
  const heading = document.createElement('h2');
  heading.textContent = `Top ${predictions.length}`;
  const list = document.createElement('ol');
  list.className = 'predictions';
  for (const { className, probability } of predictions) {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = className;
    name.title = className;
    const track = document.createElement('span');
    track.className = 'track';
    track.setAttribute('aria-hidden', 'true');
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.display = 'block';
    bar.style.width = `${(probability * 100).toFixed(1)}%`;
    track.append(bar);
    const value = document.createElement('span');
    value.className = 'value';
    value.textContent = `${(probability * 100).toFixed(1)} %`;
    item.append(name, track, value);
    item.dataset.probability = String(probability);
    list.append(item);
  }
  element.replaceChildren(heading, list);
}

startDemo({
  models,
  samples: [
    { label: 'Cat (chelsea.png)', url: sampleFile('chelsea.png') },
    { label: 'Person (person.jpg)', url: sampleFile('person.jpg') },
  ],
  load: (garden, options) => garden.loadClassifier(options),
  // A URL model keeps the chosen model's pre-processing and labels.
  urlOptions: (model, url) => ({ preset: model.options.model, modelUrl: url }),
  infer: (classifier, image) => classifier.classify(image, TOP_K),
  render: () => {},  // the image is the whole picture; the bars are below it
  show,
});
