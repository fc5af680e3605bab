#!/usr/bin/python3
"""Train and export the PocketGrid demo models (Fashion-MNIST classifiers).

Regenerate everything under portal/src/main/resources/demo/ with (from the repo root):

    /usr/bin/python3 tools/train_fashion_mnist.py

Requirements (Debian bookworm packages, no PyPI needed):
    python3-torch python3-numpy dataset-fashion-mnist
    python3-onnx (optional: only used to check and independently evaluate the exported graphs)

Data: the Zalando Fashion-MNIST IDX files installed by `dataset-fashion-mnist`
in /usr/share/datasets/fashion-mnist (60,000 train / 10,000 test, 28x28 grey, 10 classes).

Normalization (the ONLY preprocessing, used for training, export and inputs.npy):
    x = uint8_pixel.astype(float32) / 255.0      -> float32 in [0, 1], shape N x 1 x 28 x 28
No mean/std subtraction, no augmentation. Labels are int64 class ids 0..9.

Outputs (written to --out, default portal/src/main/resources/demo/):
    cnn.onnx     conv16(3x3,p1)-relu-maxpool2 -> conv32(3x3,p1)-relu-maxpool2 -> flatten -> fc128-relu -> fc10
    mlp.onnx     flatten(784) -> fc256-relu -> fc128-relu -> fc10
    both: ONNX opset 13, input "input" float32 [N,1,28,28], output "logits" float32 [N,10], dynamic N.
    inputs.npy   first 2,000 test images, float32 (2000,1,28,28), little-endian, C order, .npy v1.0
    labels.npy   their labels, int64 (2000,)
    README.md    provenance, accuracies, sizes, versions
No expected outputs are written: consumers compute their own references.

Deterministic: fixed seeds, deterministic algorithms, single process, 2 threads, CPU only.
Speed: Debian's torch does its dense layers through the system libblas.so.3. With the reference
BLAS (libblas3) training is several times slower; `apt-get install libopenblas0-pthread` makes the
whole run take a few minutes on 2 cores. Bit-exact outputs may differ between BLAS builds.
"""
import argparse
import gzip
import os
import platform
import sys
import time

# Must be set before torch (libgomp) loads: with the default active spin-waiting, 2 OpenMP
# threads on a busy 2-core box were ~10x slower than with passive waiting.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # tools/, for onnx_numpy
from onnx_numpy import accuracy, deb_version, run, save_npy_v1, sha256  # noqa: E402

SEED = 20240601
DATA_DIR = "/usr/share/datasets/fashion-mnist"
N_DEMO = 2000
OPSET = 13
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO_ROOT, "portal", "src", "main", "resources", "demo")


# ----------------------------------------------------------------------------- data
def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = int.from_bytes(raw[0:4], "big")
    ndim = magic & 0xFF
    assert magic >> 8 == 0x08, "expected unsigned-byte IDX file: %s" % path
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    return data.reshape(dims)


def load_split(data_dir, prefix):
    images = read_idx(os.path.join(data_dir, "%s-images-idx3-ubyte.gz" % prefix))
    labels = read_idx(os.path.join(data_dir, "%s-labels-idx1-ubyte.gz" % prefix))
    # Normalization: uint8 -> float32 in [0, 1]; add channel axis -> N x 1 x 28 x 28.
    x = (images.astype(np.float32) / np.float32(255.0)).reshape(-1, 1, 28, 28)
    y = labels.astype(np.int64)
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


# ----------------------------------------------------------------------------- models
class CNN(nn.Module):
    def __init__(self, fc=128):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(32 * 7 * 7, fc), nn.ReLU(),
            nn.Linear(fc, 10),
        )

    def forward(self, x):
        return self.net(x)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 256), nn.ReLU(),
            nn.Linear(256, 128), nn.ReLU(),
            nn.Linear(128, 10),
        )

    def forward(self, x):
        return self.net(x)


def n_params(model):
    return sum(p.numel() for p in model.parameters())


# ----------------------------------------------------------------------------- train / eval
def train(model, x, y, epochs, lr, batch, seed):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    loss_fn = nn.CrossEntropyLoss()
    for ep in range(epochs):
        model.train()
        t0 = time.time()
        perm = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for i in range(0, len(perm), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()
        print("  epoch %d/%d  loss %.4f  (%.1fs)" % (ep + 1, epochs, total / len(perm), time.time() - t0),
              flush=True)
    model.eval()
    return model


@torch.no_grad()
def predict(model, x, batch=1000):
    model.eval()
    return np.concatenate([model(torch.from_numpy(x[i:i + batch])).numpy() for i in range(0, len(x), batch)])


# ----------------------------------------------------------------------------- export
def export(model, path):
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28, dtype=torch.float32)
    torch.onnx.export(
        model, dummy, path,
        export_params=True, opset_version=OPSET, do_constant_folding=True,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
    )


def verify_onnx(path, x, torch_logits):
    """Returns (op list, verification text). Never raises if `onnx` is absent."""
    try:
        import onnx
    except ImportError:
        return None, "python3-onnx not installed: ONNX file not checked (torch model re-run only)"
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = [n.op_type for n in m.graph.node]
    assert m.opset_import[0].version == OPSET, m.opset_import
    assert [i.name for i in m.graph.input] == ["input"], [i.name for i in m.graph.input]
    assert [o.name for o in m.graph.output] == ["logits"]
    dim0 = m.graph.input[0].type.tensor_type.shape.dim[0]
    assert dim0.dim_param == "N", dim0
    out = run(m, {m.graph.input[0].name: x})
    diff = float(np.abs(out - torch_logits).max())
    agree = float((out.argmax(1) == torch_logits.argmax(1)).mean())
    assert diff < 1e-3 and agree == 1.0, (diff, agree)
    return ops, ("onnx %s checker OK; NumPy evaluation of the .onnx graph on inputs.npy matches torch: "
                 "max |diff| = %.2e, argmax agreement %.1f%%" % (onnx.__version__, diff, 100 * agree))


# ----------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=DATA_DIR)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--cnn-epochs", type=int, default=6)
    ap.add_argument("--mlp-epochs", type=int, default=8)
    ap.add_argument("--cnn-fc", type=int, default=128)
    args = ap.parse_args()

    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)

    xtr, ytr = load_split(args.data, "train")
    xte, yte = load_split(args.data, "t10k")
    assert xtr.shape == (60000, 1, 28, 28) and xte.shape == (10000, 1, 28, 28)
    xd, yd = xte[:N_DEMO], yte[:N_DEMO]

    save_npy_v1(os.path.join(args.out, "inputs.npy"), xd.astype("<f4"))
    save_npy_v1(os.path.join(args.out, "labels.npy"), yd.astype("<i8"))

    results = {}
    specs = [("cnn", lambda: CNN(args.cnn_fc), args.cnn_epochs),
             ("mlp", MLP, args.mlp_epochs)]
    for k, (name, ctor, epochs) in enumerate(specs):
        torch.manual_seed(SEED + k)
        model = ctor()
        print("training %s (%d params, %d epochs)" % (name, n_params(model), epochs), flush=True)
        t0 = time.time()
        train(model, xtr, ytr, epochs, lr=1e-3, batch=128, seed=SEED + k)
        secs = time.time() - t0
        logits_full = predict(model, xte)
        acc_full = accuracy(logits_full, yte)
        acc_demo = accuracy(logits_full[:N_DEMO], yd)
        path = os.path.join(args.out, "%s.onnx" % name)
        export(model, path)
        size = os.path.getsize(path)
        # Re-run the torch model on exactly the saved demo inputs (read back from disk).
        xd_disk = np.load(os.path.join(args.out, "inputs.npy"))
        torch_demo = predict(model, xd_disk)
        ops, vtext = verify_onnx(path, xd_disk, torch_demo)
        print("  %s: test acc %.2f%% (10k), %.2f%% (first 2k); %d bytes; %.0fs" %
              (name, 100 * acc_full, 100 * acc_demo, size, secs))
        print("  ops:", ops)
        print("  " + vtext, flush=True)
        results[name] = dict(params=n_params(model), epochs=epochs, acc_full=acc_full, acc_demo=acc_demo,
                             size=size, ops=ops, verify=vtext, secs=secs, sha=sha256(path))

    assert results["cnn"]["size"] < 1_000_000, "cnn.onnx >= 1 MB; rerun with --cnn-fc 96"
    if results["mlp"]["ops"] is not None:
        assert set(results["mlp"]["ops"]) <= {"Flatten", "Gemm", "Relu", "MatMul", "Add", "Reshape"}
    write_readme(args, results)
    print("wrote", args.out)


def blas_in_use():
    """Which libblas.so.3 torch actually loaded (Debian alternatives: reference vs OpenBLAS)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {os.path.realpath(line.split()[-1]) for line in f
                    if "blas" in line.rsplit("/", 1)[-1] and line.rstrip().endswith(tuple("0123456789"))}
        return ", ".join(sorted(libs)) or "unknown"
    except OSError:
        return "unknown"


def write_readme(args, r):
    out = args.out
    sz = {f: os.path.getsize(os.path.join(out, f)) for f in ["cnn.onnx", "mlp.onnx", "inputs.npy", "labels.npy"]}
    cmd = "/usr/bin/python3 tools/train_fashion_mnist.py"
    nondefault = []
    if args.cnn_epochs != 6:
        nondefault.append("--cnn-epochs %d" % args.cnn_epochs)
    if args.mlp_epochs != 8:
        nondefault.append("--mlp-epochs %d" % args.mlp_epochs)
    if args.cnn_fc != 128:
        nondefault.append("--cnn-fc %d" % args.cnn_fc)
    if nondefault:
        cmd += " " + " ".join(nondefault)
    try:
        import onnx
        onnx_v = onnx.__version__
    except ImportError:
        onnx_v = "not installed"

    def row(n, desc):
        x = r[n]
        return "| `%s.onnx` | %s | %s | %d | %.2f%% | %.2f%% | %s |" % (
            n, desc, "{:,}".format(x["params"]), x["epochs"], 100 * x["acc_demo"], 100 * x["acc_full"],
            "{:,}".format(sz[n + ".onnx"]))

    lines = [
        "# PocketGrid demo models and data",
        "",
        "Generated by `tools/train_fashion_mnist.py`. Do not edit by hand; regenerate instead.",
        "",
        "## Regenerate",
        "",
        "From the repository root (Debian bookworm packages `python3-torch`, `python3-numpy`,",
        "`dataset-fashion-mnist`; `python3-onnx` optional, used only to verify the exported files):",
        "",
        "```",
        cmd,
        "```",
        "",
        "CPU only, 2 threads, fixed seeds (%d), deterministic algorithms." % SEED,
        "",
        "## Source data",
        "",
        "Fashion-MNIST (Zalando SE, MIT/Expat licence), the IDX files from the Debian package",
        "`dataset-fashion-mnist` in `/usr/share/datasets/fashion-mnist/`: 60,000 training and 10,000",
        "test images, 28x28 greyscale, 10 classes:",
        ", ".join("%d=%s" % (i, c) for i, c in enumerate(CLASSES)) + ".",
        "Models were trained on the 60,000 training images only.",
        "",
        "## Normalization",
        "",
        "`x = pixel / 255.0` as float32 (values in [0, 1]), shape N x 1 x 28 x 28.",
        "No mean/std subtraction, no augmentation. The same normalization is used for training and",
        "is already applied in `inputs.npy`; feed those arrays to the models as-is.",
        "",
        "## Files",
        "",
        "| file | contents | bytes |",
        "|---|---|---|",
        "| `cnn.onnx` | CNN classifier, ONNX opset %d | %s |" % (OPSET, "{:,}".format(sz["cnn.onnx"])),
        "| `mlp.onnx` | MLP classifier, ONNX opset %d | %s |" % (OPSET, "{:,}".format(sz["mlp.onnx"])),
        "| `inputs.npy` | first 2,000 test images, float32 `<f4`, shape (2000, 1, 28, 28), C order, .npy v1.0 | %s |"
        % "{:,}".format(sz["inputs.npy"]),
        "| `labels.npy` | their labels, int64 `<i8`, shape (2000,), .npy v1.0 | %s |" % "{:,}".format(sz["labels.npy"]),
        "",
        "Both models: input `input` float32 [N, 1, 28, 28], output `logits` float32 [N, 10]",
        "(raw logits, no softmax), batch axis 0 dynamic (`N`). Prediction = argmax of logits.",
        "",
        "## Models and PyTorch accuracy",
        "",
        "| model | architecture | params | epochs | acc. first 2,000 test (inputs.npy) | acc. full 10,000 test | bytes |",
        "|---|---|---|---|---|---|---|",
        row("cnn", "conv16 3x3 p1-relu-maxpool2, conv32 3x3 p1-relu-maxpool2, flatten, fc%d-relu, fc10" % args.cnn_fc),
        row("mlp", "flatten 784, fc256-relu, fc128-relu, fc10"),
        "",
        "Training: Adam lr 1e-3, cosine schedule, batch 128, cross-entropy. Wall time of the last",
        "generation: cnn %.0f s, mlp %.0f s (2 threads; BLAS: %s)." % (r["cnn"]["secs"], r["mlp"]["secs"],
                                                                     blas_in_use()),
        "",
        "ONNX operators:",
        "",
        "- `cnn.onnx`: %s" % (", ".join(r["cnn"]["ops"]) if r["cnn"]["ops"] else "(not listed)"),
        "- `mlp.onnx`: %s" % (", ".join(r["mlp"]["ops"]) if r["mlp"]["ops"] else "(not listed)"),
        "",
        "Verification (done by the script on every run):",
        "",
        "- cnn.onnx: %s" % r["cnn"]["verify"],
        "- mlp.onnx: %s" % r["mlp"]["verify"],
        "",
        "ONNX Runtime is not packaged in Debian bookworm, so the outputs are checked with a small",
        "NumPy interpreter of the exported graph (in the script) against the PyTorch model.",
        "",
        "## Versions",
        "",
        "torch %s (Debian python3-torch %s), numpy %s, onnx %s, Python %s." % (
            torch.__version__, deb_version("python3-torch"), np.__version__, onnx_v, platform.python_version()),
        "",
        "SHA-256: cnn.onnx `%s`, mlp.onnx `%s`." % (r["cnn"]["sha"], r["mlp"]["sha"]),
        "",
    ]
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
