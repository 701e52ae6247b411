// Classify: the five most likely classes, with probability bars.
import { sampleFile, startDemo } from './common/demo.mjs';

const TOP_K = 5;

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
