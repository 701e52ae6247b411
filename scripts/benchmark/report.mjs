// The markdown the bench prints: the machine, one latency row per model and
// thread count, the download sizes. Pure formatting of measured results.
import { PEER_NAMES } from './models.mjs';

const ms = (value) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const mb = (bytes) => (Number.isFinite(bytes) ? (bytes / 2 ** 20).toFixed(0) : '?');
const ratio = (a, b) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : '—');
const sci = (value) => (Number.isFinite(value) ? value.toExponential(1) : '—');
const cpu = (value) => (Number.isFinite(value) ? value.toFixed(2) : '—');

// max |a - b| / max |b|: b is the reference.
export function relativeMaxDiff(a, b) {
  if (!a || !b || a.length !== b.length) return NaN;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; ++i) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / (scale || 1);
}

function runsCell(result) {
  if (result.error) return `failed: ${result.error.slice(0, 120)}`;
  const note = result.runs < result.requestedRuns ? ` (${result.runs} runs)` : '';
  return `${ms(result.medianMs)}${note}`;
}

export const TABLE_HEADER = [
  '| model @ input | threads | peer | garden median ms | peer median ms | garden/peer | load ms (garden / peer) | first run ms (garden / peer) | wasm heap MB (garden / peer) | CPU/wall (garden / peer) | max abs diff garden vs peer (rel.) | vs fixture reference (garden / peer, rel.) |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
].join('\n');

/** `peer` is a result, or { skipped: 'why' } when the peer cannot run this line. */
export function lineRow(model, threads, garden, peer, fixture) {
  const name = `${model.label} @${model.height}x${model.width}`;
  const peerName = PEER_NAMES[model.peer];
  if (garden.error || peer.error || peer.skipped) {
    const peerCell = peer.skipped ? `— (${peer.skipped})` : runsCell(peer);
    return `| ${name} | ${threads} | ${peerName} | ${runsCell(garden)} | ${peerCell} | | | | | | | |`;
  }
  const reference = fixture.expected
    ? `${sci(relativeMaxDiff(garden.output, fixture.expected))} / ${sci(relativeMaxDiff(peer.output, fixture.expected))}`
    : '— (no reference at this size)';
  const cells = [
    name, threads, peerName,
    runsCell(garden), runsCell(peer), ratio(garden.medianMs, peer.medianMs),
    `${ms(garden.loadMs)} / ${ms(peer.loadMs)}`,
    `${ms(garden.firstMs)} / ${ms(peer.firstMs)}`,
    `${mb(garden.heapBytes)} / ${mb(peer.heapBytes)}`,
    `${cpu(garden.cpuPerWall)} / ${cpu(peer.cpuPerWall)}`,
    sci(relativeMaxDiff(garden.output, peer.output)),
    reference,
  ];
  return `| ${cells.join(' | ')} |`;
}

/** 2T/1T speed-up of garden per model, from the rows' results. */
export function scalingLines(results) {
  const lines = [];
  for (const [label, byThreads] of results) {
    const one = byThreads.get(1);
    const two = byThreads.get(2);
    if (one?.medianMs && two?.medianMs) lines.push(`${label}: ${(one.medianMs / two.medianMs).toFixed(2)}x`);
  }
  return lines;
}
