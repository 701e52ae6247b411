// The benchmarked models, their peers and their fixtures: weights/manifest.json's
// "bench" list. Shared by the Node run and the browser page (which reads the
// manifest from the bench server): files are named by virtual paths
// ("fixtures/...", "human-models/...", "converted/...") that the caller's
// `read(path) -> Uint8Array` resolves (the file system in Node, the bench
// server in a page).

// peer: 'ort' (onnxruntime-web on model.onnx) or 'tfjs' (tfjs-backend-wasm on
// the TF.js graph model). Garden runs the same file: the ONNX bytes, or the
// TF.js graph converted by its own importer (garden-convert) to .garden.
async function readManifest() {
  const url = new URL('../../weights/manifest.json', import.meta.url);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return JSON.parse(await readFile(url, 'utf8'));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  return response.json();
}

const posix = {
  dirname: (file) => file.slice(0, file.lastIndexOf('/')),
  basename: (file) => file.slice(file.lastIndexOf('/') + 1),
};

/**
 * One bench entry: its size is the model's input size; a TF.js model is read
 * from `model_file` (default: the model's fixture), its input and reference
 * output from `fixture_dir` (default: the model file's folder).
 */
function benchModel(entry, models) {
  const { id, label, peer, dynamic, model_file: modelFile, fixture_dir: fixtureDir, expected, quantize, fixture } = entry;
  const model = models.find(({ name }) => name === entry.model);
  // An entry may run a dynamic model at a size of its own.
  const [height, width] = entry.input_size ?? model.input_size;
  const bench = { id, label, height, width, peer, fixture: fixture ?? id, modelName: entry.model };
  if (dynamic) bench.dynamic = true;
  if (quantize) bench.quantize = quantize;
  if (peer === 'tfjs') {
    const file = modelFile ?? `fixtures/${model.fixture}`;
    bench.modelDir = posix.dirname(file);
    bench.modelJson = posix.basename(file);
    bench.fixtureDir = fixtureDir ?? bench.modelDir;
  }
  if (expected) bench.expected = expected;
  return bench;
}

const manifest = await readManifest();
export const MODELS = manifest.bench.map((entry) => benchModel(entry, manifest.models));

export const PEER_NAMES = { ort: 'onnxruntime-web', tfjs: 'tfjs-backend-wasm' };

export function modelById(id) {
  const model = MODELS.find((m) => m.id === id);
  if (!model) throw new Error(`unknown model ${id} (known: ${MODELS.map((m) => m.id).join(', ')})`);
  return model;
}

/** Where garden-convert writes the .garden twin of a TF.js model, or a model's quantized .garden. */
export function convertedPath(model) { return `converted/${model.id}.garden`; }

function floats(bytes) {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function text(bytes) { return new TextDecoder().decode(bytes); }

// Nearest-neighbour resample of a [1, C, H, W] tensor (keeps the picture's
// statistics when a model runs at another size than its fixture).
function resampleNchw(data, [, channels, height, width], outHeight, outWidth) {
  const out = new Float32Array(channels * outHeight * outWidth);
  for (let c = 0; c < channels; ++c) {
    for (let y = 0; y < outHeight; ++y) {
      const sourceRow = (c * height + Math.floor((y * height) / outHeight)) * width;
      for (let x = 0; x < outWidth; ++x) {
        out[(c * outHeight + y) * outWidth + x] = data[sourceRow + Math.floor((x * width) / outWidth)];
      }
    }
  }
  return out;
}

async function onnxFixture(model, read) {
  const dir = `fixtures/${model.fixture}`;
  const meta = JSON.parse(text(await read(`${dir}/meta.json`)));
  const shape = meta.inputs[0].shape;
  const input = floats(await read(`${dir}/input.bin`));
  const atFixtureSize = shape[2] === model.height && shape[3] === model.width;
  const bytes = await read(`${dir}/model.onnx`);
  return {
    gardenBytes: model.quantize ? await read(convertedPath(model)) : bytes,
    onnxBytes: bytes,
    inputShape: [1, shape[1], model.height, model.width],
    input: atFixtureSize ? input : resampleNchw(input, shape, model.height, model.width),
    // The reference output only applies to the fixture's own input.
    expected: atFixtureSize ? floats(await read(`${dir}/expected_0.bin`)) : null,
    inputNote: atFixtureSize ? 'fixture input' : `fixture input ${shape[2]}x${shape[3]} resampled`,
  };
}

async function tfjsFixture(model, read) {
  const json = JSON.parse(text(await read(`${model.modelDir}/${model.modelJson}`)));
  const shards = [];
  for (const group of json.weightsManifest) {
    for (const file of group.paths) shards.push(await read(`${model.modelDir}/${file}`));
  }
  return {
    gardenBytes: await read(convertedPath(model)),
    tfjs: { json, shards },
    inputShape: [1, model.height, model.width, 3],
    input: floats(await read(`${model.fixtureDir}/input.bin`)),
    expected: floats(await read(`${model.fixtureDir}/${model.expected ?? 'expected_0.bin'}`)),
    inputNote: 'fixture input',
  };
}

export function loadFixture(model, read) {
  return model.peer === 'tfjs' ? tfjsFixture(model, read) : onnxFixture(model, read);
}
