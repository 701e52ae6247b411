// Classify: the five most likely classes, with probability bars; or, in
// teach mode, the user's own classes, taught from the camera or uploads.
import { sampleFile, startDemo } from './common/demo.mjs';
import { Teacher } from './teach.mjs';

const TOP_K = 5;

function show(element, predictions, title = `Top ${predictions.length}`) {
  const heading = document.createElement('h2');
  heading.textContent = title;
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

let teacher;  // made once startDemo has built the page's controls
const demo = startDemo({
  samples: [
    { label: 'Cat (chelsea.png)', url: sampleFile('chelsea.png') },
    { label: 'Person (person.jpg)', url: sampleFile('person.jpg') },
  ],
  load: (garden, options) => garden.loadClassifier(options),
  // A URL model keeps the chosen model's pre-processing and labels.
  urlOptions: (model, url) => ({ preset: model.options.model, modelUrl: url }),
  infer: (classifier, image) => (teacher.active ? teacher.infer(classifier, image) : classifier.classify(image, TOP_K)),
  render: () => {},  // the image is the whole picture; the bars are below it
  show: (element, result) => {
    if (!result.taught) { show(element, result); return; }
    if (result.predictions.length > 0) show(element, result.predictions, 'Your classes');
    else element.replaceChildren(Object.assign(document.createElement('p'), { className: 'empty', textContent: result.hint }));
  },
});
teacher = new Teacher({ rerun: () => demo.rerun(), cameraRunning: () => demo.cameraRunning });
window.teacher = teacher;  // read by the browser tests
