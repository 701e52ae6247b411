// Small TF.js graph models for the loader fuzzer's seeds, one per family of
// ops the TF.js importer translates beyond the generated architectures:
// index arithmetic (ArgMax inside the graph, FloorDiv/FloorMod, Pack,
// GatherNd, GatherV2, TopKV2), comparisons and Select, casts to int32 and
// bool, Split/SplitV/Unpack, Tile, Transpose, fused Prelu epilogues, int32
// inputs, reductions, and the shape constants that fold (Range, Fill, Size,
// ZerosLike, SparseToDense, StridedSlice with new axes and an ellipsis), Atan2,
// and a while loop the importer cuts out.
//
//   node fuzz/write_tfjs_seeds.mjs OUT_DIR
//
// Each model is OUT_DIR/<name>/model.json (+ group1-shard1of1.bin); the
// importer test suite runs the same ops against hand-computed values.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
if (!out) throw new Error('usage: write_tfjs_seeds.mjs OUT_DIR');

class Model {
  constructor() {
    this.nodes = [];
    this.weights = [];
    this.bytes = [];
  }
  node(name, op, input = [], attr = {}) {
    this.nodes.push({ name, op, input, attr });
    return name;
  }
  input(name, shape, type = 'DT_FLOAT') {
    return this.node(name, 'Placeholder', [], { dtype: { type }, shape: { shape: { dim: shape.map((size) => ({ size: String(size) })) } } });
  }
  constant(name, shape, values, dtype = 'float32') {
    this.weights.push({ name, shape, dtype });
    const array = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
    this.bytes.push(new Uint8Array(array.buffer));
    return this.node(name, 'Const', [], { dtype: { type: dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT' } });
  }
  ints(name, shape, values) { return this.constant(name, shape, values, 'int32'); }
  write(name) {
    const dir = join(out, name);
    mkdirSync(dir, { recursive: true });
    const model = {
      format: 'graph-model',
      modelTopology: { node: this.nodes },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: this.weights }],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
    writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.concat(this.bytes.map((b) => Buffer.from(b))));
  }
}

const b = (value) => ({ b: value });
const i = (value) => ({ i: String(value) });
const type = (value) => ({ type: value });

{  // MoveNet-style decoding: an int32 image, ArgMax, FloorDiv/FloorMod, Pack, GatherNd
  const m = new Model();
  m.input('image', [1, 4, 4, 2], 'DT_INT32');
  m.node('f', 'Cast', ['image'], { SrcT: type('DT_INT32'), DstT: type('DT_FLOAT') });
  m.ints('flat_shape', [2], [1, -1]);
  m.node('flat', 'Reshape', ['f', 'flat_shape']);
  m.ints('axis', [], [1]);
  m.node('best', 'ArgMax', ['flat', 'axis']);
  m.ints('eight', [], [8]);
  m.node('row', 'FloorDiv', ['best', 'eight']);
  m.node('col', 'FloorMod', ['best', 'eight']);
  m.ints('zero', [1], [0]);
  m.node('where', 'Pack', ['zero', 'row', 'col'], { axis: i(1), N: i(3) });
  m.ints('cells_shape', [3], [1, 4, 8]);
  m.node('cells', 'Reshape', ['f', 'cells_shape']);
  m.node('picked', 'GatherNd', ['cells', 'where']);
  m.node('y', 'Identity', ['picked']);
  m.write('tfjs_seed_decoding');
}
{  // GatherV2, TopKV2, comparisons, Select, casts to int32 and bool
  const m = new Model();
  m.input('x', [2, 6]);
  m.ints('idx', [3], [5, 0, -1]);
  m.ints('axis', [], [1]);
  m.node('g', 'GatherV2', ['x', 'idx', 'axis']);
  m.ints('k', [], [3]);
  m.node('top', 'TopKV2', ['x', 'k'], { sorted: b(true) });
  m.node('gt', 'Greater', ['g', 'top']);
  m.node('eq', 'Equal', ['g', 'top:1']);
  m.node('and', 'LogicalAnd', ['gt', 'eq']);
  m.node('sel', 'SelectV2', ['gt', 'g', 'top']);
  m.node('t', 'Cast', ['sel'], { SrcT: type('DT_FLOAT'), DstT: type('DT_INT32') });
  m.node('bool', 'Cast', ['and'], { SrcT: type('DT_FLOAT'), DstT: type('DT_BOOL') });
  m.node('back', 'Cast', ['bool'], { SrcT: type('DT_BOOL'), DstT: type('DT_FLOAT') });
  m.node('y', 'AddV2', ['t', 'back']);
  m.write('tfjs_seed_select');
}
{  // Split, SplitV, Unpack, Tile, Transpose, reductions
  const m = new Model();
  m.input('x', [2, 3, 4]);
  m.ints('sizes', [2], [1, -1]);
  m.ints('last', [], [-1]);
  m.node('s', 'SplitV', ['x', 'sizes', 'last'], { num_split: i(2) });
  m.ints('perm', [3], [2, 0, 1]);
  m.node('tr', 'Transpose', ['s:1', 'perm']);
  m.node('u', 'Unpack', ['tr'], { axis: i(0), num: i(3) });
  m.ints('first', [], [0]);
  m.node('halves', 'Split', ['first', 'x'], { num_split: i(2) });
  m.ints('reps', [3], [2, 1, 1]);
  m.node('tile', 'Tile', ['halves:1', 'reps']);
  m.ints('axes', [2], [1, 2]);
  m.node('p', 'Prod', ['tile', 'axes'], { keep_dims: b(false) });
  m.node('mx', 'Max', ['x', 'axes'], { keep_dims: b(false) });
  m.node('sq', 'Square', ['mx']);
  m.node('y', 'AddV2', ['p', 'sq']);
  m.node('z', 'Mul', ['u', 'u:2']);
  m.write('tfjs_seed_shapes');
}
{  // a fused convolution with a Prelu epilogue, then shape constants that fold
  const m = new Model();
  m.input('x', [1, 4, 4, 2]);
  m.constant('w', [3, 3, 2, 3], Array.from({ length: 54 }, (_, k) => Math.sin(k) * 0.5));
  m.constant('bias', [3], [0.1, -0.2, 0.3]);
  m.constant('alpha', [3], [0.5, 0.25, 2]);
  m.node('conv', '_FusedConv2D', ['x', 'w', 'bias', 'alpha'], {
    strides: { list: { i: ['1', '1', '1', '1'] } }, dilations: { list: { i: ['1', '1', '1', '1'] } },
    padding: { s: Buffer.from('SAME').toString('base64') }, data_format: { s: Buffer.from('NHWC').toString('base64') },
    fused_ops: { list: { s: ['BiasAdd', 'Prelu'].map((s) => Buffer.from(s).toString('base64')) } }, num_args: i(2),
  });
  m.ints('start', [], [0]);
  m.ints('limit', [], [3]);
  m.ints('delta', [], [1]);
  m.node('r', 'Range', ['start', 'limit', 'delta']);
  m.ints('dims', [1], [3]);
  m.ints('one', [], [1]);
  m.node('ones', 'Fill', ['dims', 'one']);
  m.node('offset', 'AddV2', ['r', 'ones']);
  m.node('zeros', 'ZerosLike', ['conv']);
  m.node('n', 'Size', ['conv']);
  m.ints('sparse_idx', [1], [2]);
  m.ints('sparse_shape', [1], [3]);
  m.ints('sparse_val', [1], [5]);
  m.ints('sparse_fill', [], [0]);
  m.node('sparse', 'SparseToDense', ['sparse_idx', 'sparse_shape', 'sparse_val', 'sparse_fill']);
  m.node('a', 'AddV2', ['conv', 'offset']);
  m.node('c', 'AddV2', ['a', 'zeros']);
  m.node('d', 'Mul', ['c', 'sparse']);
  m.node('e', 'AddV2', ['d', 'n']);
  m.ints('begin', [5], [0, 0, 0, 0, 0]);
  m.ints('end', [5], [0, 0, 0, 0, 0]);
  m.ints('strides', [5], [1, 1, 1, 1, 1]);
  m.node('y', 'StridedSlice', ['e', 'begin', 'end', 'strides'], { new_axis_mask: i(1), begin_mask: i(30), end_mask: i(30) });
  m.ints('last_begin', [2], [0, 1]);
  m.ints('last_end', [2], [0, 3]);
  m.ints('last_strides', [2], [1, 1]);
  m.node('tail', 'StridedSlice', ['y', 'last_begin', 'last_end', 'last_strides'], { ellipsis_mask: i(1) });
  m.node('angle', 'Atan2', ['tail', 'tail']);
  m.write('tfjs_seed_fused');
}

{  // A detector's tail: a while loop (non-maximum suppression) the importer cuts out
  const m = new Model();
  m.input('x', [1, 4]);
  m.constant('scale', [1], [2]);
  m.node('boxes', 'Mul', ['x', 'scale']);
  m.node('scores', 'Sigmoid', ['x']);
  m.ints('size', [], [4]);
  m.node('loop/array', 'TensorArrayV3', ['size']);
  m.node('loop/scatter', 'TensorArrayScatterV3', ['loop/array', 'size', 'boxes', 'loop/array:1']);
  m.node('loop/enter', 'Enter', ['scores']);
  m.node('loop/merge', 'Merge', ['loop/enter', 'loop/next']);
  m.node('loop/cond', 'LoopCond', ['loop/merge']);
  m.node('loop/switch', 'Switch', ['loop/merge', 'loop/cond']);
  m.node('loop/body', 'AddV2', ['loop/switch:1', 'loop/scatter']);
  m.node('loop/next', 'NextIteration', ['loop/body']);
  m.node('loop/exit', 'Exit', ['loop/switch']);
  m.node('y', 'Identity', ['loop/exit']);
  m.write('tfjs_seed_loop');
}
