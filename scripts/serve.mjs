// A small static server for the demo pages, on 127.0.0.1 only.
//
//   node scripts/serve.mjs [PORT]        (PORT 0 picks a free port)
//
// Every response carries Cross-Origin-Opener-Policy / -Embedder-Policy /
// -Resource-Policy, so pages are cross-origin isolated and the package can use
// its SIMD + threads build (SharedArrayBuffer). URL layout:
//
//   /                 web-demos/
//   /model-garden/    the built npm package   (GARDEN_PACKAGE_DIR, default build/wasm/wasm/package)
//   /models/          the offline model files (GARDEN_FIXTURE_DIR, default build/fixtures)
//   /samples/NAME     sample images by file name, found under ${GARDEN_CACHE}/images/*/
//
// It prints "serving http://127.0.0.1:PORT/" once listening.
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = process.env.GARDEN_CACHE || path.join(homedir(), '.cache', 'model-garden');

const MOUNTS = [
  { prefix: '/model-garden/', dir: process.env.GARDEN_PACKAGE_DIR || path.join(ROOT, 'build/wasm/wasm/package') },
  { prefix: '/models/', dir: process.env.GARDEN_FIXTURE_DIR || path.join(ROOT, 'build/fixtures') },
  { prefix: '/', dir: path.join(ROOT, 'web-demos') },
];

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.tflite': 'application/octet-stream',
  '.garden': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // The pages are under development: always revalidate.
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
};

/** name → absolute path of the sample images the fixture scripts extracted. */
function findSamples() {
  const samples = new Map();
  const imagesDir = path.join(CACHE, 'images');
  let packages = [];
  try {
    packages = readdirSync(imagesDir);
  } catch {
    return samples;  // no images yet: /samples/ answers 404
  }
  for (const name of packages.sort()) {
    const dir = path.join(imagesDir, name);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir)) {
      if (MIME_TYPES[path.extname(file).toLowerCase()]?.startsWith('image/')) samples.set(file, path.join(dir, file));
    }
  }
  return samples;
}

/** The file a URL path names, or null when it is outside every mount. */
async function resolveFile(urlPath, samples) {
  if (urlPath.startsWith('/samples/')) return samples.get(urlPath.slice('/samples/'.length)) ?? null;
  const mount = MOUNTS.find(({ prefix }) => urlPath.startsWith(prefix));
  const relative = urlPath.slice(mount.prefix.length);
  const base = await realpath(mount.dir).catch(() => null);
  if (base === null) return null;
  let file = path.resolve(base, relative);
  // The lexical check refuses "..", the real-path check refuses symlinks out.
  if (file !== base && !file.startsWith(base + path.sep)) return null;
  file = await realpath(file).catch(() => null);
  if (file === null || (file !== base && !file.startsWith(base + path.sep))) return null;
  const info = await stat(file);
  if (info.isDirectory()) return resolveFile(path.posix.join(urlPath, 'index.html'), samples);
  return info.isFile() ? file : null;
}

function decodePath(rawUrl) {
  const pathname = new URL(rawUrl, 'http://localhost').pathname;
  const decoded = decodeURIComponent(pathname);
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  return decoded;
}

function sendError(response, status, message) {
  response.writeHead(status, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${status} ${message}\n`);
}

async function handle(request, response, samples) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return sendError(response, 405, 'Method Not Allowed');
  }
  let urlPath;
  try {
    urlPath = decodePath(request.url);
  } catch {
    urlPath = null;  // malformed %-escapes
  }
  if (urlPath === null) return sendError(response, 400, 'Bad Request');
  const file = await resolveFile(urlPath, samples);
  if (file === null) return sendError(response, 404, 'Not Found');
  // A directory asked for without its trailing slash: relative links need it.
  if (!urlPath.endsWith('/') && file.endsWith(`${path.sep}index.html`) && !urlPath.endsWith('index.html')) {
    response.writeHead(301, { ...ISOLATION_HEADERS, Location: `${urlPath}/` });
    return response.end();
  }
  const { size } = await stat(file);
  response.writeHead(200, {
    ...ISOLATION_HEADERS,
    'Content-Type': MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': size,
  });
  if (request.method === 'HEAD') return response.end();
  createReadStream(file).on('error', () => response.destroy()).pipe(response);
}

function main() {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`usage: scripts/serve [PORT]   (got '${process.argv[2]}')`);
    process.exit(2);
  }
  const samples = findSamples();
  const server = createServer((request, response) => {
    handle(request, response, samples).catch((error) => {
      if (!response.headersSent) sendError(response, 500, 'Internal Server Error');
      console.error(`${request.url}: ${error.message}`);
    });
  });
  server.on('error', (error) => {
    console.error(`cannot listen on 127.0.0.1:${port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(port, '127.0.0.1', () => {
    const url = `http://127.0.0.1:${server.address().port}/`;
    for (const { prefix, dir } of MOUNTS) console.log(`  ${prefix.padEnd(15)} ${dir}`);
    console.log(`  ${'/samples/'.padEnd(15)} ${[...samples.keys()].join(', ') || '(none: run scripts/make-fixtures)'}`);
    console.log(`serving ${url}`);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

main();
