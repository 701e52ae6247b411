// Generates the model catalogue from weights/manifest.json, the one place the
// garden's model facts are written (weights/README.md describes its fields):
//
//   node generate_catalogue.mjs cpp MANIFEST OUT.cpp   runner presets, label sets and the
//                                                      CLI's known models (catalogue.h)
//   node generate_catalogue.mjs js MANIFEST OUT.mjs    the package's model names and the
//                                                      demo pages' model lists (catalogue.mjs)
//   node generate_catalogue.mjs shipped MANIFEST OUT   "FIXTURE FILE" lines: the model files
//                                                      the package ships, from the fixtures
//
// CMake runs it at build time (models/catalogue/CMakeLists.txt for C++,
// wasm/CMakeLists.txt for the package), and for `shipped` when it configures. Every name the manifest refers to is
// checked first, so a typo fails the build with one line naming it.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const HEADER = 'Generated from weights/manifest.json by models/catalogue/generate_catalogue.mjs: do not edit.';
const TASKS = ['classification', 'segmentation', 'text_detection', 'text_recognition', 'text_direction'];
const FITS = { stretch: 'kStretch', 'keep-aspect': 'kKeepAspect', 'keep-aspect-centered': 'kKeepAspectCentered',
  'keep-aspect-no-upscale': 'kKeepAspectNoUpscale' };
const COLORMAPS = { 'pascal-voc': 'kPascalVoc', labels: 'kLabelColors' };

function check(condition, message) {
  if (!condition) throw new Error(`weights/manifest.json: ${message}`);
}

function byName(entries, what) {
  const table = new Map();
  for (const entry of entries) {
    check(!table.has(entry.name), `${what} '${entry.name}' is listed twice`);
    table.set(entry.name, entry);
  }
  return table;
}

function checkPresets({ presets, normalizations, label_sets: labelSets }) {
  // Compiled-in label sets are models/labels/NAME.txt, read by labels::NAME().
  for (const [name, { file }] of Object.entries(labelSets)) {
    check(!file || file === `models/labels/${name}.txt`, `label set '${name}': its file must be models/labels/${name}.txt`);
  }
  for (const preset of presets.classification) {
    check(preset.normalization, `preset '${preset.name}': a classifier preset needs its normalization`);
  }
  for (const preset of [...presets.classification, ...presets.segmentation]) {
    check(!preset.normalization || normalizations[preset.normalization],
          `preset '${preset.name}': unknown normalization '${preset.normalization}'`);
    check(labelSets[preset.labels], `preset '${preset.name}': unknown label set '${preset.labels}'`);
  }
  for (const preset of presets.segmentation) {
    check(FITS[preset.fit], `preset '${preset.name}': unknown fit '${preset.fit}'`);
    check(COLORMAPS[preset.colormap], `preset '${preset.name}': unknown colormap '${preset.colormap}'`);
    check(preset.colormap !== 'labels' || labelSets[preset.labels].colors,
          `preset '${preset.name}': colormap 'labels' needs a label set with colors`);
  }
}

function checkModels(manifest, models) {
  const presetsByTask = Object.fromEntries(TASKS.map((task) => [task, byName(manifest.presets[task], `${task} preset`)]));
  for (const model of models.values()) {
    check(TASKS.includes(model.task), `model '${model.name}': unknown task '${model.task}'`);
    check(!model.preset || presetsByTask[model.task].has(model.preset),
          `model '${model.name}': no ${model.task} preset '${model.preset}'`);
    check(!model.cli || (model.fixture && model.preset), `model '${model.name}': the CLI needs its fixture and preset`);
    check(!model.package || model.task !== 'text_detection' || model.package.kind,
          `model '${model.name}': a text detector's package entry needs its kind`);
    check(!model.package || model.task !== 'text_recognition' ||
          (model.package.file && model.package.dictionary && model.package.input_width),
          `model '${model.name}': a text recognizer's package entry needs its file, dictionary and input_width`);
  }
  for (const [page, entries] of Object.entries(manifest.demos)) {
    byName(entries.map(({ id }) => ({ name: id })), `demo '${page}' entry`);
    for (const { id, model, from, quantize } of entries) {
      const found = models.get(model);
      check(quantize === undefined || quantize === 'int8', `demo '${page}/${id}': quantize must be 'int8'`);
      check(found, `demo '${page}/${id}': unknown model '${model}'`);
      check(from === 'fixture' ? found.fixture : from === 'package' && found.package,
            `demo '${page}/${id}': model '${model}' has no ${from}`);
      // A fixture is run with the model's preset, and a text detector's with its kind.
      check(from === 'package' || (found.preset && (found.task !== 'text_detection' || found.package)),
            `demo '${page}/${id}': model '${model}' needs its preset (and a text detector its package kind)`);
    }
  }
  for (const { id, model } of manifest.bench) check(models.get(model), `bench '${id}': unknown model '${model}'`);
  for (const task of TASKS) {
    const known = [...models.values()].filter((model) => model.task === task && model.cli);
    check(known.length === 0 || known.filter((model) => model.cli === 'default').length === 1,
          `the CLI needs one default ${task} model ("cli": "default")`);
  }
}

/** The manifest, after checking that every name it refers to exists. */
export function readManifest(file) {
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  const models = byName(manifest.models, 'model');
  checkPresets(manifest);
  checkModels(manifest, models);
  return { ...manifest, byName: models };
}

// -- C++ -----------------------------------------------------------------------

const cppString = (text) => JSON.stringify(text);
const cppFloat = (value) => (Number.isInteger(value) ? `${value}.f` : `${value}f`);
const cppBool = (value) => (value ? 'true' : 'false');
const cppColor = ([r, g, b]) => `{${r}, ${g}, ${b}}`;

/** A named normalization as a Normalization, or nullopt: the model's own, else the runner's default. */
function cppNormalization(normalization) {
  if (!normalization) return 'std::nullopt';
  const { mean, std, in_pixels: inPixels } = normalization;
  const channel = (value) => (inPixels ? `${cppFloat(value)} / 255.f` : cppFloat(value));
  const triple = (values) => `{${values.map(channel).join(', ')}}`;
  return `Normalization{${triple(mean)}, ${triple(std)}, false}`;
}

function cppLabelSet(name, { file, names, colors }) {
  let value;
  if (file) value = colors ? `labels::${name}()` : `with_colors(labels::${name}(), {})`;
  else value = `with_colors({${names.map(cppString).join(', ')}}, {${(colors ?? []).map(cppColor).join(', ')}})`;
  return `  if (name == ${cppString(name)}) return ${value};`;
}

function cppClassifierPreset(preset, normalizations) {
  return `      {${cppString(preset.name)}, ${preset.input_size}, ${cppNormalization(normalizations[preset.normalization])}, ` +
         `${cppString(preset.labels)}, ${preset.label_offset ?? 0}, ${cppBool(preset.output !== 'probabilities')}, ` +
         `${cppString(preset.embedding_output ?? '')}},`;
}

function cppSegmenterPreset(preset, normalizations) {
  return `      {${cppString(preset.name)}, ${cppNormalization(normalizations[preset.normalization])}, Fit::${FITS[preset.fit]}, ` +
         `${cppString(preset.labels)}, Colormap::${COLORMAPS[preset.colormap]}, ${cppBool(preset.output === 'person-probability')}},`;
}

const CPP_TASKS = { classification: 'kClassification', segmentation: 'kSegmentation', text_detection: 'kTextDetection',
  text_recognition: 'kTextRecognition', text_direction: 'kTextDirection' };

function cppKnownModel(model) {
  return `      {${cppString(model.name)}, Task::${CPP_TASKS[model.task]}, ${cppString(model.fixture)}, ` +
         `${cppString(model.preset)}, ${cppBool(model.cli === 'default')}, ` +
         `${model.input_size?.[0] ?? 0}, ${model.input_size?.[1] ?? 0}},`;
}

function cppTable(type, functionName, rows) {
  return [
    `const std::vector<${type}>& ${functionName}() {`,
    `  static const std::vector<${type}> entries = {`,
    ...rows,
    '  };',
    '  return entries;',
    '}',
  ];
}

export function cppCatalogue(manifest) {
  const { normalizations, presets } = manifest;
  return [
    `// ${HEADER}`,
    '#include "catalogue/catalogue.h"',
    '',
    '#include "garden/error.h"',
    '',
    'namespace garden {',
    'namespace catalogue {',
    '',
    'std::vector<labels::ColoredLabel> label_set(const std::string& name) {',
    ...Object.entries(manifest.label_sets).map(([name, set]) => cppLabelSet(name, set)),
    '  fail(ErrorCode::kInvalidArgument, "catalogue: unknown label set \'" + name + "\'");',
    '}',
    '',
    ...cppTable('ClassifierPreset', 'classifier_presets',
                presets.classification.map((preset) => cppClassifierPreset(preset, normalizations))),
    '',
    ...cppTable('SegmenterPreset', 'segmenter_presets',
                presets.segmentation.map((preset) => cppSegmenterPreset(preset, normalizations))),
    '',
    ...cppTable('KnownModel', 'known_models', manifest.models.filter((model) => model.cli).map(cppKnownModel)),
    '',
    '}  // namespace catalogue',
    '}  // namespace garden',
    '',
  ].join('\n');
}

// -- the package's catalogue -----------------------------------------------------

const packaged = (manifest, task) => manifest.models.filter((model) => model.task === task && model.package);

function textDetectors(manifest) {
  return Object.fromEntries(packaged(manifest, 'text_detection').map(({ name, package: entry }) =>
    [entry.name, { model: name, file: entry.file ?? null, kind: entry.kind, inputSize: entry.input_size }]));
}

/** Recognizers ship with their dictionary, which sits beside the fixture as dict.txt. */
function textRecognizers(manifest) {
  return Object.fromEntries(packaged(manifest, 'text_recognition').map(({ name, package: entry }) =>
    [entry.name, { model: name, file: entry.file, dictionary: entry.dictionary, inputWidth: entry.input_width }]));
}

/**
 * The manifest's sha256 of an official URL's file as a subresource integrity
 * string ("sha256-BASE64"), or null where the manifest does not know it.
 */
function urlIntegrity({ name, source, sha256 }) {
  if (!source.url || !sha256) return null;
  const file = decodeURIComponent(new URL(source.url).pathname.split('/').at(-1));
  const hex = sha256[file];
  check(hex, `model '${name}': sha256 has no entry for its URL's file '${file}'`);
  return `sha256-${Buffer.from(hex, 'hex').toString('base64')}`;
}

/**
 * A model the package loads by name: its file inside the package (`file`), or
 * its official URL (`url`, with its `integrity` where known), or neither (no
 * artifact to download); and the preset it runs with.
 */
function namedModel(model) {
  const file = model.package.file ?? null;
  return { model: model.name, file, url: file ? null : model.source.url ?? null,
    integrity: file ? null : urlIntegrity(model), preset: model.preset };
}

/** Text direction classifiers (PP-OCR's 0/180 degrees), shipped with the package. */
function textDirections(manifest) {
  return Object.fromEntries(packaged(manifest, 'text_direction').map(({ name, package: entry }) => {
    check(entry.file, `model '${name}': a text direction classifier's package entry needs its file`);
    return [entry.name, { model: name, file: entry.file }];
  }));
}

function classifiers(manifest) {
  return Object.fromEntries(packaged(manifest, 'classification').map((model) => [model.package.name, namedModel(model)]));
}

// DeepLab is named by its base and quantization (loadSegmenter({ base,
// quantizationBytes })); other segmenters by name (loadSegmenter({ model })).
const isDeeplab = (model) => model.quantization_bytes !== undefined;

/** DeepLab's official files by base, then by quantization bytes. */
function deeplabBases(manifest) {
  const bases = {};
  for (const { name, source, package: entry, quantization_bytes: bytes } of packaged(manifest, 'segmentation').filter(isDeeplab)) {
    check(source.url, `model '${name}': a packaged DeepLab needs its URL`);
    (bases[entry.name] ??= {})[bytes] = source.url;
  }
  return bases;
}

function segmenters(manifest) {
  return Object.fromEntries(packaged(manifest, 'segmentation').filter((model) => !isDeeplab(model)).map((model) => {
    check(model.package.file || model.source.url, `model '${model.name}': a packaged segmenter needs a file or a URL`);
    return [model.package.name, namedModel(model)];
  }));
}

// The options each page's load function takes for a model, as the package names it.
const DEMO_OPTIONS = {
  classification: (model, fromPackage) => ({ model: fromPackage ? model.package.name : model.preset }),
  segmentation: (model, fromPackage) => ({ base: fromPackage ? model.package.name : model.preset }),
  text_detection: (model, fromPackage) =>
    (fromPackage ? { model: model.package.name, kind: model.package.kind } : { kind: model.package.kind }),
};

function demos(manifest) {
  return Object.fromEntries(Object.entries(manifest.demos).map(([page, entries]) => [page,
    entries.map(({ id, model: name, from, label, note, quantize }) => {
      const model = manifest.byName.get(name);
      const fromPackage = from === 'package';
      const options = { ...DEMO_OPTIONS[model.task](model, fromPackage), ...(quantize ? { quantize } : {}) };
      return { id, model: name, label, note, options, fixture: fromPackage ? null : model.fixture };
    })]));
}

export function packageCatalogue(manifest) {
  return { textDetectors: textDetectors(manifest), textRecognizers: textRecognizers(manifest),
    textDirections: textDirections(manifest), classifiers: classifiers(manifest),
    segmenters: segmenters(manifest), deeplab: deeplabBases(manifest), demos: demos(manifest) };
}

/** The files the package ships (models and dictionaries), by their path in the package. */
function packageFiles(manifest) {
  return manifest.models.filter((model) => model.package?.file)
    .flatMap((model) => [model.package.file, ...(model.package.dictionary ? [model.package.dictionary] : [])]);
}

function jsCatalogue(manifest) {
  // Literal `new URL('./…', import.meta.url)`s, one per file: what bundlers
  // look for to ship a file and rewrite its URL.
  const shipped = packageFiles(manifest).map((file) => `  ${JSON.stringify(file)}: () => new URL(${JSON.stringify(`./${file}`)}, import.meta.url),`);
  return [
    `// ${HEADER}`,
    '// The names the package knows (models.mjs) and the demo pages\' model lists.',
    `export const CATALOGUE = ${JSON.stringify(packageCatalogue(manifest), null, 2)};`,
    '',
    '// The files the package ships, by path: their URLs where this module is.',
    'export const SHIPPED_FILES = {',
    ...shipped,
    '};',
    '',
  ].join('\n');
}

/**
 * "FIXTURE FILE [tfjs-bundle]" for each file the package ships: a fixture
 * copied, or a TF.js model (model.json and its weight files) packed into one
 * file as the package's loaders read it (see wasm/tools/bundle_tfjs.mjs), so
 * that a bundler that renames files cannot separate them.
 */
function shippedFiles(manifest) {
  return manifest.models.filter((model) => model.package?.file).map((model) => {
    check(model.fixture, `model '${model.name}': the package ships it from its fixture, which it lacks`);
    check(!model.package.bundle || model.package.bundle === 'tfjs', `model '${model.name}': unknown bundle '${model.package.bundle}'`);
    const bundle = model.package.bundle ? ' tfjs-bundle' : '';
    const dictionary = model.package.dictionary ? `${path.posix.dirname(model.fixture)}/dict.txt ${model.package.dictionary}\n` : '';
    return `${model.fixture} ${model.package.file}${bundle}\n${dictionary}`;
  }).join('');
}

// -- main ------------------------------------------------------------------------

const WRITERS = { cpp: cppCatalogue, js: jsCatalogue, shipped: shippedFiles };

function main([format, manifestFile, output]) {
  if (!WRITERS[format] || !manifestFile || !output) {
    throw new Error('usage: node generate_catalogue.mjs cpp|js|shipped MANIFEST OUTPUT');
  }
  const text = WRITERS[format](readManifest(manifestFile));
  fs.mkdirSync(path.dirname(output), { recursive: true });
  // Rewritten only when it changes, so a manifest edit that does not touch
  // this output recompiles nothing.
  if (!fs.existsSync(output) || fs.readFileSync(output, 'utf8') !== text) fs.writeFileSync(output, text);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`generate_catalogue: ${error.message}\n`);
    process.exit(1);
  }
}
