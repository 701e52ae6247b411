// The benchmarked models, their peers and their fixtures. Shared by the Node
// run and the browser page: files are named by virtual paths
// ("fixtures/...", "human-models/...", "converted/...") that the caller's
// `read(path) -> Uint8Array` resolves (the file system in Node, the bench
// server in a page).

// peer: 'ort' (onnxruntime-web on model.onnx) or 'tfjs' (tfjs-backend-wasm on
// the TF.js graph model). Garden runs the same file: the ONNX bytes, or the
// TF.js graph converted by its own importer (garden-convert) to .garden.
export const MODELS = [
  { id: 'efficientnet_b0', label: 'EfficientNet-B0', height: 224, width: 224, peer: 'ort' },
  { id: 'deeplabv3_mnv2', label: 'DeepLabv3 MobileNetV2', height: 513, width: 513, peer: 'ort' },
  { id: 'psenet_r50', label: 'PSENet ResNet50-FPN', height: 640, width: 640, peer: 'ort' },
  // PP-OCR's detector has dynamic [1,3,?,?] input; the fixture page is 320x640.
  { id: 'ppocrv4_det', label: 'PP-OCRv4 det', height: 640, width: 640, peer: 'ort', dynamic: true },
  {
    id: 'nsfwjs_mnv2', label: 'MobileNetV2-1.4 (nsfwjs, uint8 TF.js graph)', height: 224, width: 224, peer: 'tfjs',
    modelDir: 'fixtures/nsfwjs_mobilenet_v2', modelJson: 'model.json', fixtureDir: 'fixtures/nsfwjs_mobilenet_v2',
  },
  {
    id: 'selfie', label: 'MediaPipe selfie (TF.js graph, fp16)', height: 256, width: 256, peer: 'tfjs',
    modelDir: 'human-models', modelJson: 'selfie.json', fixtureDir: 'fixtures/selfie_tflite',
    // TF.js on the model as published (expected_0.bin computes its HardSwish differently).
    expected: 'expected_published.bin',
  },
];

export const PEER_NAMES = { ort: 'onnxruntime-web', tfjs: 'tfjs-backend-wasm' };

export function modelById(id) {
  const model = MODELS.find((m) => m.id === id);
  if (!model) throw new Error(`unknown model ${id} (known: ${MODELS.map((m) => m.id).join(', ')})`);
  return model;
}

/** Where garden-convert writes the .garden twin of a TF.js model. */
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
  const dir = `fixtures/${model.id}`;
  const meta = JSON.parse(text(await read(`${dir}/meta.json`)));
  const shape = meta.inputs[0].shape;
  const input = floats(await read(`${dir}/input.bin`));
  const atFixtureSize = shape[2] === model.height && shape[3] === model.width;
  const bytes = await read(`${dir}/model.onnx`);
  return {
    gardenBytes: bytes,
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
