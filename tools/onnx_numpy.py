"""NumPy evaluation of small ONNX graphs, plus file helpers shared by the demo-model scripts.

ONNX Runtime is not packaged in Debian bookworm, so tools/train_fashion_mnist.py,
tools/train_text_classifier.py and tools/quantize_cnn_int8.py check the .onnx files they write
with `run` below: it reads the serialised graph and evaluates it node by node without torch, so
it independently checks what was actually written.

    from onnx_numpy import run
    logits = run(onnx.load(path), {"input": x})      # feeds: graph input name -> ndarray

Operators, only in the forms those graphs use (anything else raises NotImplementedError):
    Conv (2-D, group 1, stride 1, dilation 1), MaxPool (2x2, stride 2, no padding), Relu,
    Flatten, Reshape, Gemm, MatMul, Add, Sub, Mul, Div, Pow, Sqrt, Erf (Python's math.erf,
    as NumPy has none), Constant, Gather, Cast, Unsqueeze, Transpose, Softmax,
    LayerNormalization, ReduceSum, ReduceMean, DequantizeLinear (per-tensor or per-axis).
float64 intermediate results are stored as float32; other dtypes (int64 ids, bool, ...) are kept.

Needs only NumPy; `onnx` is imported when a graph is evaluated, so scripts for which onnx is
optional can import this module anyway. The scripts put their own directory (tools/) on
sys.path before importing it, so they run from any working directory.
"""
import hashlib
import math
import os
import subprocess

import numpy as np

__all__ = ["run", "accuracy", "sha256", "save_npy_v1", "replace_readme_section", "deb_version"]

# ONNX TensorProto data types -> NumPy, for Cast (FLOAT, INT32, INT64, BOOL, DOUBLE).
ONNX_TO_NUMPY = {1: np.float32, 6: np.int32, 7: np.int64, 9: np.bool_, 11: np.float64}

_erf = np.frompyfunc(math.erf, 1, 1)  # NumPy has no erf and scipy is not required


# ----------------------------------------------------------------------------- operators
def _conv(x, w, b, a):
    assert a.get("group", 1) == 1 and all(s == 1 for s in a.get("strides", [1, 1])) \
        and all(d == 1 for d in a.get("dilations", [1, 1])), a
    pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
    x = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh, ow = h - kh + 1, wd - kw + 1
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=x.dtype)  # im2col
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = x[:, :, i:i + oh, j:j + ow]
    out = np.einsum("ncklp,ockl->nop", cols.reshape(n, c, kh, kw, oh * ow), w, optimize=True)
    out = out.reshape(n, o, oh, ow)
    return out + b.reshape(1, -1, 1, 1) if b is not None else out


def _maxpool(x, a):
    k = a["kernel_shape"]
    assert k == [2, 2] and a.get("strides", k) == [2, 2] and not any(a.get("pads", [0] * 4)), a
    n, c, h, w = x.shape
    return x[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def _gemm(A, B, C, a):
    A = A.T if a.get("transA", 0) else A
    B = B.T if a.get("transB", 0) else B
    r = a.get("alpha", 1.0) * (A @ B)
    return r + a.get("beta", 1.0) * C if C is not None else r


def _reshape(x, shape, allowzero=0):
    shape = [x.shape[i] if d == 0 and not allowzero else d for i, d in enumerate(shape.tolist())]
    return x.reshape(shape)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _layernorm(x, scale, bias, a):
    axes = tuple(range(a.get("axis", -1) % x.ndim, x.ndim))
    mu = x.mean(axis=axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mu) / np.sqrt(var + a.get("epsilon", 1e-5)) * scale
    return y + bias if bias is not None else y


def _reduce(f, x, axes_in, a):
    axes = tuple(int(i) for i in axes_in) if axes_in is not None else a.get("axes")
    return f(x, axis=None if axes is None else tuple(axes), keepdims=bool(a.get("keepdims", 1)))


def _dequantize(q, scale, zp, a):
    if scale.ndim == 0:
        return ((q.astype(np.int32) - (0 if zp is None else zp.astype(np.int32))) * scale).astype(np.float32)
    shape = [1] * q.ndim
    shape[a.get("axis", 1) % q.ndim] = -1
    zp = np.zeros_like(scale, dtype=np.int32) if zp is None else zp.astype(np.int32)
    return ((q.astype(np.int32) - zp.reshape(shape)) * scale.reshape(shape)).astype(np.float32)


_BINARY = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide, "Pow": np.power}


def _node(op, ins, a):
    """One node: `ins` are the input arrays (None for an omitted optional input), `a` the attributes."""
    opt = lambda k: ins[k] if len(ins) > k else None  # noqa: E731  optional input k
    if op in _BINARY:
        return _BINARY[op](ins[0], ins[1])
    if op == "Conv":
        return _conv(ins[0], ins[1], opt(2), a)
    if op == "Relu":
        return np.maximum(ins[0], 0)
    if op == "MaxPool":
        return _maxpool(ins[0], a)
    if op == "Flatten":
        ax = a.get("axis", 1)
        return ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
    if op == "Reshape":
        return _reshape(ins[0], ins[1], a.get("allowzero", 0))
    if op == "Gemm":
        return _gemm(ins[0], ins[1], opt(2), a)
    if op == "MatMul":
        return np.matmul(ins[0], ins[1])
    if op == "Sqrt":
        return np.sqrt(ins[0])
    if op == "Erf":
        return _erf(ins[0]).astype(ins[0].dtype)
    if op == "Constant":
        from onnx import numpy_helper
        return numpy_helper.to_array(a["value"])
    if op == "Gather":
        return np.take(ins[0], ins[1], axis=a.get("axis", 0))
    if op == "Cast":
        return ins[0].astype(ONNX_TO_NUMPY[a["to"]])
    if op == "Unsqueeze":
        return np.expand_dims(ins[0], tuple(int(i) for i in ins[1]))
    if op == "Transpose":
        return np.transpose(ins[0], a.get("perm"))
    if op == "Softmax":
        return _softmax(ins[0], a.get("axis", -1))
    if op == "LayerNormalization":
        return _layernorm(ins[0], ins[1], opt(2), a)
    if op in ("ReduceSum", "ReduceMean"):
        return _reduce(np.sum if op == "ReduceSum" else np.mean, ins[0], opt(1), a)
    if op == "DequantizeLinear":
        return _dequantize(ins[0], ins[1], opt(2), a)
    raise NotImplementedError(op)


def run(model, feeds):
    """Evaluates an onnx.ModelProto on `feeds` (input name -> ndarray); returns its first output."""
    from onnx import helper, numpy_helper
    env = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    env.update(feeds)
    for node in model.graph.node:
        a = {at.name: helper.get_attribute_value(at) for at in node.attribute}
        r = np.asarray(_node(node.op_type, [env[i] if i else None for i in node.input], a))
        env[node.output[0]] = r.astype(np.float32) if r.dtype == np.float64 else r
    return env[model.graph.output[0].name]


# ----------------------------------------------------------------------------- other shared helpers
def accuracy(logits, y):
    """Share of rows whose argmax equals the label."""
    return float((logits.argmax(1) == y).mean())


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def save_npy_v1(path, arr):
    """Writes `arr` C-contiguous as .npy format version 1.0 (no pickles)."""
    with open(path, "wb") as f:
        np.lib.format.write_array(f, np.ascontiguousarray(arr), version=(1, 0), allow_pickle=False)


def replace_readme_section(readme, key, body):
    """Replaces the marked section `key` in README.md, or appends it; everything else is kept."""
    begin = "<!-- BEGIN %s -->" % key
    end = "<!-- END %s -->" % key
    block = "%s\n%s\n%s\n" % (begin, body.rstrip("\n"), end)
    text = open(readme).read() if os.path.exists(readme) else ""
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    with open(readme, "w") as f:
        f.write(text)


def deb_version(pkg):
    """Version of an installed Debian package, or a note saying it is not one."""
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True,
                              text=True, check=True).stdout.strip() or "?"
    except Exception:
        return "not a Debian package"
