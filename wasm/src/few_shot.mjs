// Teach a classifier your own classes: k nearest neighbours by cosine
// similarity over its embeddings (classifier.embed), as
// @tensorflow-models/knn-classifier does over MobileNet's.
//
//   const fewShot = garden.createFewShotClassifier(classifier);
//   await fewShot.addExample(webcamFrame, 'mug');        // an image, or an embedding
//   const { label, confidences } = await fewShot.predict(frame);
//   localStorage.teach = JSON.stringify(fewShot);        // toJSON(); fromJSON() reads it back
//
// It lives on the calling thread (the page), whichever thread the
// classifier runs on: only embed() goes to the runtime, and predicting from
// an embedding, saving and loading need no round trip. Examples are kept as
// given (so a save reloads bit for bit) with the inverse of their norm, in
// the memory of a small search module of their own (models/few_shot,
// SIMD128), which scores them all against a query.
import { GardenError } from './errors.mjs';
import { FEW_SHOT_SEARCH_WASM } from './few_shot_search.mjs';

const FORMAT = 'model-garden-few-shot';
const VERSION = 1;
const DEFAULT_K = 3;
// At most this many stored floats (256 MB): 37,000 examples of 1,792 features.
const MAX_FLOATS = 64 * 1024 * 1024;
const MAX_LABEL_LENGTH = 256;
const MAX_CLASSES = 65535;  // class indices are 16-bit

const isEmbedding = (input) => input instanceof Float32Array || Array.isArray(input);

function checkK(k) {
  if (!Number.isInteger(k) || k < 1 || k > 1000) throw new GardenError('INVALID_ARGUMENT', `k must be an integer in [1, 1000], got ${k}`);
  return k;
}

function checkLabel(label) {
  if (typeof label !== 'string' || label.length === 0 || label.length > MAX_LABEL_LENGTH) {
    throw new GardenError('INVALID_ARGUMENT', `a label must be a non-empty string of at most ${MAX_LABEL_LENGTH} characters`);
  }
  return label;
}

function dot(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; ++i) sum += a[i] * b[i];
  return sum;
}

/** 1 / |v| of the `length` values at `offset`; a vector of zeros or non-finite values has no direction to compare. */
function inverseNorm(vector, offset, length) {
  let squared = 0;
  for (let i = offset; i < offset + length; ++i) squared += vector[i] * vector[i];
  if (!(squared > 0) || !Number.isFinite(squared)) {
    throw new GardenError('INVALID_ARGUMENT', 'an embedding must be finite and not all zeros');
  }
  return 1 / Math.sqrt(squared);
}

/** Cosine similarity of two embeddings of the same length, in [-1, 1]. */
export function cosineSimilarity(a, b) {
  if (!isEmbedding(a) || !isEmbedding(b) || a.length !== b.length || a.length === 0) {
    throw new GardenError('INVALID_ARGUMENT', 'cosineSimilarity takes two embeddings (Float32Array or number arrays) of the same length');
  }
  return dot(a, b) * inverseNorm(a, 0, a.length) * inverseNorm(b, 0, b.length);
}

function toBase64(floats) {
  const bytes = new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text, what) {
  let binary;
  try {
    binary = atob(text);
  } catch {
    throw new GardenError('INVALID_ARGUMENT', `${what}: examples must be base64`);
  }
  if (binary.length % 4 !== 0) throw new GardenError('INVALID_ARGUMENT', `${what}: examples are not whole float32 values`);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; ++i) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

let searchModule = null;

/** A new instance of the search module (compiled once: it is small enough to compile synchronously). */
function searchInstance() {
  if (!searchModule) searchModule = new WebAssembly.Module(Uint8Array.from(atob(FEW_SHOT_SEARCH_WASM), (c) => c.charCodeAt(0)));
  const instance = new WebAssembly.Instance(searchModule, {});
  instance.exports._initialize?.();
  return instance.exports;
}

/**
 * The examples (capacity x dimension floats), their inverse norms, a query
 * and its scores, laid out in a search module's memory past its own data.
 * Growing the memory detaches every view, so all are made again together.
 */
class ExampleStore {
  #search = searchInstance();
  #base = (this.#search.__heap_base.value + 15) & ~15;
  capacity = 0;

  constructor(dimension) {
    this.dimension = dimension;
  }

  /** Room for `capacity` examples, keeping the first `keep`. */
  resize(capacity, keep) {
    const kept = keep > 0 ? [this.examples.slice(0, keep * this.dimension), this.inverseNorms.slice(0, keep)] : null;
    const { memory } = this.#search;
    const bytes = this.#base + 4 * (capacity * (this.dimension + 2) + this.dimension);
    if (bytes > memory.buffer.byteLength) {
      try {
        memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
      } catch {
        throw new GardenError('LIMIT_EXCEEDED', `no memory for ${capacity} examples of ${this.dimension} values`);
      }
    }
    let offset = this.#base;
    const view = (length) => {
      const array = new Float32Array(memory.buffer, offset, length);
      offset += 4 * length;
      return array;
    };
    this.examples = view(capacity * this.dimension);
    this.inverseNorms = view(capacity);
    this.query = view(this.dimension);
    this.scores = view(capacity);
    if (kept) { this.examples.set(kept[0]); this.inverseNorms.set(kept[1]); }
    this.capacity = capacity;
  }

  /** scores[i] = cosine similarity of example i (of the first `count`) and the query. */
  score(count, queryInverseNorm) {
    this.#search.garden_cosine_scores(this.examples.byteOffset, this.inverseNorms.byteOffset, count, this.dimension,
      this.query.byteOffset, queryInverseNorm, this.scores.byteOffset);
    return this.scores;
  }
}

/** The `k` indices of the highest of the first `count` scores, highest first. */
function nearestOf(similarities, count, k) {
  const best = [];
  for (let i = 0; i < count; ++i) {
    const s = similarities[i];
    if (best.length === k) {
      if (s <= similarities[best[k - 1]]) continue;
      best.pop();
    }
    let at = best.length;
    while (at > 0 && similarities[best[at - 1]] < s) at -= 1;
    best.splice(at, 0, i);
  }
  return best;
}

export class FewShotClassifier {
  #classifier;
  #dimension;
  #k;
  #labels = [];           // class names, in the order they were first taught
  #store;                 // the examples as given, and one inverse norm each
  #classOf;               // class index per example
  #count = 0;

  constructor(classifier, { k = DEFAULT_K } = {}) {
    const dimension = classifier?.embeddingSize;
    if (typeof classifier?.embed !== 'function' || !Number.isInteger(dimension)) {
      throw new GardenError('INVALID_ARGUMENT', 'createFewShotClassifier takes a classifier (garden.loadClassifier)');
    }
    if (dimension === 0) {
      throw new GardenError('UNSUPPORTED_MODEL', 'this classifier has no embedding: name its features with loadClassifier({ embeddingOutput })');
    }
    this.#classifier = classifier;
    this.#dimension = dimension;
    this.#k = checkK(k);
    this.#store = new ExampleStore(dimension);
    this.#allocate(16);
  }

  /** The length of every embedding this classifier compares. */
  get dimension() { return this.#dimension; }
  /** Class names, in the order they were first taught. */
  get labels() { return [...this.#labels]; }
  get exampleCount() { return this.#count; }

  /** { label: number of examples } (knn-classifier's getClassExampleCount). */
  getClassExampleCount() {
    const counts = Object.fromEntries(this.#labels.map((label) => [label, 0]));
    for (let i = 0; i < this.#count; ++i) counts[this.#labels[this.#classOf[i]]] += 1;
    return counts;
  }

  /** Adds an image (embedded by the classifier) or an embedding as an example of `label`. */
  async addExample(input, label) {
    checkLabel(label);
    const embedding = await this.#embedding(input);
    const inverse = inverseNorm(embedding, 0, embedding.length);
    if ((this.#count + 1) * this.#dimension > MAX_FLOATS) {
      throw new GardenError('LIMIT_EXCEEDED', `at most ${Math.floor(MAX_FLOATS / this.#dimension)} examples of this classifier`);
    }
    if (this.#count === this.#store.capacity) this.#allocate(this.#count * 2);
    let classIndex = this.#labels.indexOf(label);
    if (classIndex < 0) {
      if (this.#labels.length === MAX_CLASSES) throw new GardenError('LIMIT_EXCEEDED', `at most ${MAX_CLASSES} classes`);
      classIndex = this.#labels.push(label) - 1;
    }
    this.#store.examples.set(embedding, this.#count * this.#dimension);
    this.#store.inverseNorms[this.#count] = inverse;
    this.#classOf[this.#count] = classIndex;
    this.#count += 1;
  }

  /**
   * The class most of the k most similar examples have (ties: the larger
   * summed similarity), and every class's share of those k votes.
   */
  async predict(input, k = this.#k) {
    checkK(k);
    const embedding = await this.#embedding(input);
    if (this.#count === 0) throw new GardenError('INVALID_ARGUMENT', 'add examples before predicting');
    const queryInverse = inverseNorm(embedding, 0, embedding.length);
    this.#store.query.set(embedding);
    const similarities = this.#store.score(this.#count, queryInverse);
    const nearest = nearestOf(similarities, this.#count, Math.min(k, this.#count));
    const votes = new Array(this.#labels.length).fill(0);
    const sums = new Array(this.#labels.length).fill(0);
    for (const i of nearest) {
      votes[this.#classOf[i]] += 1;
      sums[this.#classOf[i]] += similarities[i];
    }
    let best = 0;
    for (let c = 1; c < votes.length; ++c) {
      if (votes[c] > votes[best] || (votes[c] === votes[best] && sums[c] > sums[best])) best = c;
    }
    const confidences = Object.fromEntries(this.#labels.map((label, c) => [label, votes[c] / nearest.length]));
    return { label: this.#labels[best], confidences, similarity: similarities[nearest[0]] };
  }

  /** Forgets every example of `label` (an unknown label is an error: nothing to remove). */
  removeClass(label) {
    const classIndex = this.#labels.indexOf(checkLabel(label));
    if (classIndex < 0) throw new GardenError('INVALID_ARGUMENT', `no class '${label}' (classes: ${this.#labels.join(', ')})`);
    const { examples, inverseNorms } = this.#store;
    let kept = 0;
    for (let i = 0; i < this.#count; ++i) {
      const c = this.#classOf[i];
      if (c === classIndex) continue;
      examples.copyWithin(kept * this.#dimension, i * this.#dimension, (i + 1) * this.#dimension);
      inverseNorms[kept] = inverseNorms[i];
      this.#classOf[kept] = c > classIndex ? c - 1 : c;
      kept += 1;
    }
    this.#count = kept;
    this.#labels.splice(classIndex, 1);
  }

  /** Forgets every class. */
  clear() {
    this.#labels = [];
    this.#count = 0;
  }

  /** What JSON.stringify saves: the classes and their examples (base64 float32), exactly. */
  toJSON() {
    return {
      format: FORMAT,
      version: VERSION,
      dimension: this.#dimension,
      k: this.#k,
      classes: this.#labels.map((label, c) => {
        const rows = [];
        for (let i = 0; i < this.#count; ++i) if (this.#classOf[i] === c) rows.push(i);
        const examples = new Float32Array(rows.length * this.#dimension);
        rows.forEach((row, r) => examples.set(this.#store.examples.subarray(row * this.#dimension, (row + 1) * this.#dimension), r * this.#dimension));
        return { label, examples: toBase64(examples) };
      }),
    };
  }

  /**
   * Replaces what this classifier knows with a saved toJSON() (the object or
   * its JSON text). Checked in full first: a save of another classifier
   * (another embedding size) or a damaged one is an error and changes nothing.
   */
  fromJSON(saved) {
    let data = saved;
    if (typeof saved === 'string') {
      try {
        data = JSON.parse(saved);
      } catch (error) {
        throw new GardenError('INVALID_ARGUMENT', `fromJSON: not JSON (${error.message})`);
      }
    }
    if (data?.format !== FORMAT || data.version !== VERSION || !Array.isArray(data.classes)) {
      throw new GardenError('INVALID_ARGUMENT', `fromJSON: not a saved few-shot classifier (format ${FORMAT}, version ${VERSION})`);
    }
    if (data.dimension !== this.#dimension) {
      throw new GardenError('INVALID_ARGUMENT', `fromJSON: saved from a classifier with ${data.dimension} features; this one has ${this.#dimension}`);
    }
    const k = data.k === undefined ? this.#k : checkK(data.k);
    if (data.classes.length > MAX_CLASSES) throw new GardenError('LIMIT_EXCEEDED', `fromJSON: more than ${MAX_CLASSES} classes`);
    const classes = data.classes.map((entry) => {
      const { label, examples } = entry ?? {};
      checkLabel(label);
      const floats = fromBase64(String(examples ?? ''), `fromJSON: class '${label}'`);
      if (floats.length === 0 || floats.length % this.#dimension !== 0) {
        throw new GardenError('INVALID_ARGUMENT', `fromJSON: class '${label}' needs whole embeddings of ${this.#dimension} values`);
      }
      const count = floats.length / this.#dimension;
      const inverses = new Float32Array(count);
      for (let i = 0; i < count; ++i) inverses[i] = inverseNorm(floats, i * this.#dimension, this.#dimension);
      return { label, floats, inverses };
    });
    if (new Set(classes.map(({ label }) => label)).size !== classes.length) {
      throw new GardenError('INVALID_ARGUMENT', 'fromJSON: a class is listed twice');
    }
    const total = classes.reduce((sum, { inverses }) => sum + inverses.length, 0);
    if (total * this.#dimension > MAX_FLOATS) throw new GardenError('LIMIT_EXCEEDED', 'fromJSON: too many examples');

    this.#k = k;
    this.#labels = classes.map(({ label }) => label);
    this.#count = 0;
    if (total > this.#store.capacity) this.#allocate(total);
    classes.forEach(({ floats, inverses }, c) => {
      this.#store.examples.set(floats, this.#count * this.#dimension);
      this.#store.inverseNorms.set(inverses, this.#count);
      this.#classOf.fill(c, this.#count, this.#count + inverses.length);
      this.#count += inverses.length;
    });
    return this;
  }

  /** Room for `capacity` examples, keeping the ones there are. */
  #allocate(capacity) {
    this.#store.resize(capacity, this.#count);
    const classOf = new Uint16Array(capacity);
    if (this.#count > 0) classOf.set(this.#classOf.subarray(0, this.#count));
    this.#classOf = classOf;
  }

  async #embedding(input) {
    const embedding = isEmbedding(input) ? Float32Array.from(input) : await this.#classifier.embed(input);
    if (embedding.length !== this.#dimension) {
      throw new GardenError('INVALID_ARGUMENT', `an embedding of this classifier has ${this.#dimension} values, got ${embedding.length}`);
    }
    return embedding;
  }
}
