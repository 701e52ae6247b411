// The classify page's teach mode: the user's own classes, taught with
// examples from the camera (hold a class's Record button) or from uploaded
// images (one example per press), predicted by the package's few-shot
// classifier over the model's embeddings, saved in localStorage.
const STORAGE_KEY = 'model-garden-teach';

const $ = (id) => document.getElementById(id);

export class Teacher {
  #page;            // { rerun, cameraRunning }
  #fewShot = null;  // for the classifier it was made with
  #classifier = null;
  #labels = [];     // classes added, in order (some may have no example yet)
  #recording = null;
  #oneShot = false; // a still image: one example per press

  constructor(page) {
    this.#page = page;
    $('classes-mode').addEventListener('change', () => this.#setActive($('classes-mode').value === 'teach'));
    $('teach-add').addEventListener('click', () => this.#addClass());
    $('teach-label').addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { event.preventDefault(); this.#addClass(); }
    });
    $('teach-save').addEventListener('click', () => this.#save());
    $('teach-load').addEventListener('click', () => this.#load());
    $('teach-clear').addEventListener('click', () => {
      this.#fewShot?.clear();
      this.#labels = [];
      this.#refresh('Cleared.');
    });
  }

  get active() { return $('classes-mode').value === 'teach'; }

  /** Read by the browser tests: { label: examples }. */
  get counts() { return Object.fromEntries(this.#labels.map((label) => [label, this.#count(label)])); }

  /**
   * One frame: its embedding, recorded as an example while a Record button
   * is held, then the nearest examples' votes for each class.
   */
  async infer(classifier, image) {
    if (classifier !== this.#classifier) await this.#useClassifier(classifier);
    const embedding = await classifier.embed(image);
    const recording = this.#recording;
    if (recording) {
      await this.#fewShot.addExample(embedding, recording);
      if (this.#oneShot) { this.#recording = null; this.#oneShot = false; }
      this.#renderClasses();
    }
    if (this.#fewShot.exampleCount === 0) {
      return { taught: true, predictions: [], hint: 'Add a class and record a few examples of it to see predictions.' };
    }
    const { label, confidences, similarity } = await this.#fewShot.predict(embedding);
    const predictions = Object.entries(confidences).map(([className, probability]) => ({ className, probability }))
      .sort((a, b) => b.probability - a.probability || (a.className === label ? -1 : 1));
    return { taught: true, label, similarity, predictions };
  }

  async #useClassifier(classifier) {
    const { FewShotClassifier } = await import('model-garden');
    const previous = this.#fewShot;
    this.#classifier = classifier;
    this.#fewShot = new FewShotClassifier(classifier);
    // The same model loaded again keeps what it was taught; another one starts afresh.
    if (previous && previous.dimension === this.#fewShot.dimension && previous.exampleCount > 0) {
      try {
        this.#fewShot.fromJSON(previous.toJSON());
      } catch {
        this.#labels = [];
      }
    } else if (previous) {
      this.#labels = [];
      this.#status('This model sees images differently: teach your classes again.');
    }
    this.#renderClasses();
  }

  #setActive(active) {
    $('teach').hidden = !active;
    if (!active) this.#recording = null;
    this.#page.rerun();
  }

  #addClass() {
    const input = $('teach-label');
    const label = input.value.trim();
    if (!label) { this.#status('Type a name for the class first.'); return; }
    if (this.#labels.includes(label)) { this.#status(`There is a class “${label}” already.`); return; }
    this.#labels.push(label);
    input.value = '';
    this.#renderClasses();
    this.#status(`Now record a few examples of “${label}”.`);
  }

  #count(label) { return this.#fewShot?.getClassExampleCount()[label] ?? 0; }

  #renderClasses() {
    const list = $('teach-classes');
    list.replaceChildren(...this.#labels.map((label) => {
      const item = document.createElement('li');
      item.dataset.label = label;
      const name = Object.assign(document.createElement('span'), { className: 'label', textContent: label, title: label });
      const count = Object.assign(document.createElement('span'), { className: 'count', textContent: `${this.#count(label)} examples` });
      const record = Object.assign(document.createElement('button'), { type: 'button', className: 'record', textContent: 'Record' });
      record.setAttribute('aria-label', `Record examples of ${label}`);
      this.#wireRecord(record, label);
      const remove = Object.assign(document.createElement('button'), { type: 'button', className: 'remove', textContent: 'Remove' });
      remove.setAttribute('aria-label', `Remove ${label}`);
      remove.addEventListener('click', () => {
        if (this.#count(label) > 0) this.#fewShot.removeClass(label);
        this.#labels = this.#labels.filter((name) => name !== label);
        this.#refresh(`Removed “${label}”.`);
      });
      item.append(name, count, record, remove);
      return item;
    }));
  }

  /** Pressed: record (one example from a still image, every frame from the camera until released). */
  #wireRecord(button, label) {
    const start = () => {
      if (this.#recording) return;
      this.#recording = label;
      button.classList.add('recording');
      if (!this.#page.cameraRunning()) {
        this.#oneShot = true;
        this.#page.rerun();
      }
    };
    const stop = () => {
      button.classList.remove('recording');
      if (!this.#oneShot) this.#recording = null;
    };
    button.addEventListener('pointerdown', start);
    for (const event of ['pointerup', 'pointerleave', 'pointercancel']) button.addEventListener(event, stop);
    button.addEventListener('keydown', (event) => {
      if ((event.key === ' ' || event.key === 'Enter') && !event.repeat) { event.preventDefault(); start(); }
    });
    button.addEventListener('keyup', (event) => { if (event.key === ' ' || event.key === 'Enter') stop(); });
  }

  #save() {
    if (!this.#fewShot || this.#fewShot.exampleCount === 0) { this.#status('Nothing to save yet.'); return; }
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(this.#fewShot));
      this.#status(`Saved ${this.#fewShot.exampleCount} examples of ${this.#fewShot.labels.length} classes in this browser.`);
    } catch (error) {
      this.#status(`Could not save: ${error.message}`);
    }
  }

  #load() {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (!saved) { this.#status('Nothing saved in this browser yet.'); return; }
    if (!this.#fewShot) { this.#status('Wait for the model to load, then load again.'); return; }
    try {
      this.#fewShot.fromJSON(saved);
    } catch (error) {
      this.#status(`Could not load the saved classes: ${error.message}`);
      return;
    }
    this.#labels = this.#fewShot.labels;
    this.#refresh(`Loaded ${this.#fewShot.exampleCount} examples of ${this.#labels.length} classes.`);
  }

  #refresh(message) {
    this.#renderClasses();
    this.#status(message);
    this.#page.rerun();
  }

  #status(text) { $('teach-status').textContent = text; }
}
