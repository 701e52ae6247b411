"""Turns ONNX's own backend node tests (Debian's libonnx-testdata) into the
cases onnx_node_test.cpp runs.

  onnx_node_cases.py NODE_DIR OUT_DIR

In scope: tests whose inputs and single output are float32 tensors. The
runtime takes weights as constants, so every input after the first becomes an
initializer (and leaves the graph's inputs). Each case is a folder:

  OUT_DIR/<test>/model.onnx    the rewritten model
  OUT_DIR/<test>/input.bin     the first input, raw little-endian float32
  OUT_DIR/<test>/expected.bin  the output ONNX's reference computed
  OUT_DIR/<test>/shapes.txt    two lines: the input's and the output's shape

and OUT_DIR/cases.txt lists the folders, one per line (written last, so its
presence means the set is complete).
"""
import os
import re
import sys

import numpy as np
import onnx
from google.protobuf.message import DecodeError
from onnx import numpy_helper


def tensors(folder, prefix):
    """The folder's <prefix>_<n>.pb tensors in index order."""
    names = [f for f in os.listdir(folder) if re.fullmatch(prefix + r"_\d+\.pb", f)]
    names.sort(key=lambda f: int(f[len(prefix) + 1:-3]))
    result = []
    for name in names:
        proto = onnx.TensorProto()
        with open(os.path.join(folder, name), "rb") as f:
            proto.ParseFromString(f.read())
        result.append(numpy_helper.to_array(proto))
    return result


def rewritten(model, inputs):
    """The model with inputs[1:] as initializers, or None if its declared
    inputs do not line up with the test's."""
    graph = model.graph
    initialized = {t.name for t in graph.initializer}
    declared = [i for i in graph.input if i.name not in initialized]
    if len(declared) != len(inputs):
        return None
    for value_info, array in zip(declared[1:], inputs[1:]):
        graph.initializer.append(numpy_helper.from_array(array, value_info.name))
        graph.input.remove(value_info)
    return model


def shape_line(array):
    return " ".join(str(d) for d in array.shape)


def write_case(out, name, model, inputs, output):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "model.onnx"))
    inputs[0].astype("<f4").tofile(os.path.join(folder, "input.bin"))
    output.astype("<f4").tofile(os.path.join(folder, "expected.bin"))
    with open(os.path.join(folder, "shapes.txt"), "w") as f:
        f.write(shape_line(inputs[0]) + "\n" + shape_line(output) + "\n")


def main(node_dir, out):
    cases = []
    for name in sorted(os.listdir(node_dir)):
        data = os.path.join(node_dir, name, "test_data_set_0")
        if not os.path.isdir(data):
            continue
        try:
            inputs, outputs = tensors(data, "input"), tensors(data, "output")
        except (ValueError, TypeError, DecodeError):
            continue  # sequences, optionals and maps: not tensors, out of scope
        arrays = inputs + outputs
        if not inputs or len(outputs) != 1 or any(a.dtype != np.float32 for a in arrays):
            continue
        model = rewritten(onnx.load(os.path.join(node_dir, name, "model.onnx")), inputs)
        if model is None:
            continue
        write_case(out, name, model, inputs, outputs[0])
        cases.append(name)
    with open(os.path.join(out, "cases.txt"), "w") as f:
        f.write("".join(c + "\n" for c in cases))
    print(f"{len(cases)} ONNX node tests in scope, written to {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
