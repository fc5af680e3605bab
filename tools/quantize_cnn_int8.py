#!/usr/bin/python3
"""Write cnn-int8.onnx: the demo CNN with int8 weights in QDQ form (weight-only quantization).

Regenerate (from the repo root, after tools/train_fashion_mnist.py has written cnn.onnx):

    /usr/bin/python3 tools/quantize_cnn_int8.py

Requirements (Debian bookworm packages, no PyPI needed): python3-onnx python3-numpy (no torch).

Method, the weight half of what onnxruntime's QDQ quantizer emits with per_channel=True and
symmetric int8 weights: every float32 initializer that is the weight (input 1) of a Conv or Gemm
node is replaced by
    q = clip(round(w / scale), -127, 127) as an INT8 initializer   (round half to even)
    scale[c] = max|w[c]| / 127 per output channel (1.0 where the channel is all zeros), float32
    zero_point = int8 zeros, one per output channel
    DequantizeLinear(q, scale, zero_point, axis=a) whose output feeds the node instead of w
with a = 0 for Conv weights [M, C, kh, kw] and, for Gemm, a = 0 when transB = 1 (B is [M, K])
and a = 1 when transB = 0 (B is [K, M]). Biases and activations stay float32; the float weights
are removed. Opset 13 (per-axis DequantizeLinear needs 13; raised to 13 if lower).

The script checks the result with onnx.checker, evaluates both models with a small NumPy
interpreter on inputs.npy, prints both accuracies against labels.npy, the logits' max |diff|,
the argmax agreement and the file sizes, and replaces (or appends) the "int8 CNN" section of
README.md; the rest of the README is kept.
"""
import argparse
import os
import platform
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # tools/, for onnx_numpy
from onnx_numpy import accuracy, replace_readme_section, run, sha256  # noqa: E402

OPSET = 13
QMAX = 127

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(REPO_ROOT, "portal", "src", "main", "resources", "demo")


# ----------------------------------------------------------------------------- quantization
def weight_axis(node):
    if node.op_type == "Conv":
        return 0
    trans_b = next((helper.get_attribute_value(a) for a in node.attribute if a.name == "transB"), 0)
    return 0 if trans_b else 1


def quantize_per_channel(w, axis):
    """Symmetric per-channel int8: returns (q int8, scale float32 [C], zero_point int8 [C])."""
    other = tuple(i for i in range(w.ndim) if i != axis)
    amax = np.abs(w).max(axis=other).astype(np.float32)
    scale = np.where(amax > 0, amax / np.float32(QMAX), np.float32(1.0)).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.round(w / scale.reshape(shape)), -QMAX, QMAX).astype(np.int8)
    return q, scale, np.zeros(len(scale), dtype=np.int8)


def quantize_model(m):
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    targets = {}  # weight name -> axis
    for node in g.node:
        if node.op_type in ("Conv", "Gemm") and len(node.input) > 1 and node.input[1] in inits:
            t = inits[node.input[1]]
            if t.data_type != TensorProto.FLOAT or len(t.dims) < 2:
                continue
            axis = weight_axis(node)
            assert targets.setdefault(t.name, axis) == axis, "weight %s shared with different axes" % t.name
    dq_nodes, new_inits, report = [], [], []
    for name, axis in targets.items():
        w = numpy_helper.to_array(inits[name])
        q, scale, zp = quantize_per_channel(w, axis)
        qn, sn, zn, out = (name + "_quantized", name + "_scale", name + "_zero_point",
                           name + "_DequantizeLinear_Output")
        new_inits += [numpy_helper.from_array(q, qn), numpy_helper.from_array(scale, sn),
                      numpy_helper.from_array(zp, zn)]
        dq_nodes.append(helper.make_node("DequantizeLinear", [qn, sn, zn], [out],
                                         name=name + "_DequantizeLinear", axis=axis))
        for node in g.node:
            if node.op_type in ("Conv", "Gemm") and len(node.input) > 1 and node.input[1] == name:
                node.input[1] = out
        deq = (q.astype(np.float32) * scale.reshape([-1 if i == axis else 1 for i in range(w.ndim)]))
        report.append((name, list(w.shape), axis, float(np.abs(deq - w).max())))
    # Drop float weights nobody reads any more (also from graph.input, as old exporters listed them).
    still_used = {i for n in g.node for i in n.input}
    dead = [n for n in targets if n not in still_used]
    keep = [t for t in g.initializer if t.name not in dead]
    del g.initializer[:]
    g.initializer.extend(keep + new_inits)
    keep_in = [i for i in g.input if i.name not in dead]
    del g.input[:]
    g.input.extend(keep_in)
    # Weights are constants, so their DequantizeLinear nodes can go first (topological order holds).
    nodes = dq_nodes + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    for op in m.opset_import:
        if op.domain in ("", "ai.onnx") and op.version < OPSET:
            op.version = OPSET
    return m, report


def eval_batched(m, x, batch=250):  # batches keep the im2col buffers small (~30 MB)
    name = m.graph.input[0].name
    return np.concatenate([run(m, {name: x[i:i + batch]}) for i in range(0, len(x), batch)])


# ----------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--demo", default=DEMO, help="directory with cnn.onnx, inputs.npy, labels.npy")
    args = ap.parse_args()
    src, dst = os.path.join(args.demo, "cnn.onnx"), os.path.join(args.demo, "cnn-int8.onnx")

    fp32 = onnx.load(src)
    q, report = quantize_model(onnx.load(src))
    onnx.checker.check_model(q, full_check=True)
    onnx.save(q, dst)
    q = onnx.load(dst)  # evaluate what was written
    for name, shape, axis, err in report:
        print("  %-14s %-16s axis %d  max |w - dequant(q)| %.2e" % (name, shape, axis, err))

    x = np.load(os.path.join(args.demo, "inputs.npy"))
    y = np.load(os.path.join(args.demo, "labels.npy"))
    l32, l8 = eval_batched(fp32, x), eval_batched(q, x)
    acc32, acc8 = accuracy(l32, y), accuracy(l8, y)
    diff = float(np.abs(l32 - l8).max())
    agree = float((l32.argmax(1) == l8.argmax(1)).mean())
    s32, s8 = os.path.getsize(src), os.path.getsize(dst)
    ops = [n.op_type for n in q.graph.node]
    print("ops:", ops)
    print("accuracy on inputs.npy: fp32 %.2f%%, int8 %.2f%%; logits max |diff| %.4g; argmax agreement %.2f%%"
          % (100 * acc32, 100 * acc8, diff, 100 * agree))
    print("sizes: cnn.onnx %d bytes, cnn-int8.onnx %d bytes (%.1f%%)" % (s32, s8, 100.0 * s8 / s32))

    lines = [
        "## int8 CNN (`cnn-int8.onnx`)",
        "",
        "Generated by `tools/quantize_cnn_int8.py` from `cnn.onnx`; this section is rewritten by",
        "that script. (`tools/train_fashion_mnist.py` rewrites this whole README and `cnn.onnx`:",
        "run this script after it.)",
        "",
        "```",
        "/usr/bin/python3 tools/quantize_cnn_int8.py",
        "```",
        "",
        "Debian packages `python3-onnx`, `python3-numpy`; deterministic (no training, no randomness).",
        "",
        "Method: weight-only int8 quantization in QDQ form, as onnxruntime's quantizer writes weights",
        "with per-channel symmetric int8. For each float weight (input 1) of a Conv or Gemm node:",
        "`scale[c] = max|w[c]| / 127` per output channel (axis 0 for Conv `[M, C, kh, kw]`; Gemm axis",
        "0 if `transB = 1`, else 1), `q = clip(round(w / scale), -127, 127)` as an INT8 initializer",
        "`<w>_quantized`, float32 `<w>_scale`, int8 zeros `<w>_zero_point`, and a node",
        "`DequantizeLinear(q, scale, zero_point, axis)` whose output `<w>_DequantizeLinear_Output`",
        "replaces the weight. Biases, activations, input and output stay float32 (same interface as",
        "`cnn.onnx`: `input` float32 [N, 1, 28, 28] -> `logits` float32 [N, 10]). ONNX opset %d." % OPSET,
        "",
        "| weight | shape | axis | max abs(w - dequantized q) |",
        "|---|---|---|---|",
    ] + ["| `%s` | %s | %d | %.2e |" % (n, "x".join(map(str, s)), a, e) for n, s, a, e in report] + [
        "",
        "ONNX operators: %s" % ", ".join(ops),
        "",
        "| model | bytes | accuracy on `inputs.npy` (2,000, `labels.npy`) |",
        "|---|---|---|",
        "| `cnn.onnx` (fp32) | %s | %.2f%% |" % ("{:,}".format(s32), 100 * acc32),
        "| `cnn-int8.onnx` | %s (%.1f%%) | %.2f%% |" % ("{:,}".format(s8), 100.0 * s8 / s32, 100 * acc8),
        "",
        "Both evaluated with the NumPy interpreter in the script (Conv, Relu, MaxPool, Flatten, Gemm,",
        "DequantizeLinear); onnx %s checker (full_check) OK. int8 vs fp32 logits: max |diff| = %.4g," % (
            onnx.__version__, diff),
        "argmax agreement %.2f%% (%d of 2,000 predictions differ)." % (
            100 * agree, int((l32.argmax(1) != l8.argmax(1)).sum())),
        "",
        "numpy %s, onnx %s, Python %s. SHA-256: cnn-int8.onnx `%s`." % (
            np.__version__, onnx.__version__, platform.python_version(), sha256(dst)),
    ]
    replace_readme_section(os.path.join(args.demo, "README.md"), "cnn-int8", "\n".join(lines))
    print("wrote", dst)


if __name__ == "__main__":
    sys.exit(main())
