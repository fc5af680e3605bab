#!/usr/bin/python3
"""Makes the engine benchmark's model suite: ONNX files and manifest.json in models/out/.

    /usr/bin/python3 bench/engine/models/make_models.py [--out DIR]

Needs Debian's python3-torch (1.13), python3-torchvision (0.14) and python3-onnx (1.12); the
weights are random (torch.manual_seed), nothing is downloaded. Every model is in eval mode and
exported with opset 17, a dynamic batch axis and constant folding; each file is checked with
onnx.checker and its op histogram printed. bench/engine/run.sh --suite runs this when
models/out/manifest.json is missing or older than this script.

Models (per-item input in brackets):
  resnet18          torchvision resnet18(weights=None)          input   float32 [3, 224, 224]
  mobilenet_v2_224  torchvision mobilenet_v2(weights=None)      input   float32 [3, 224, 224]
  mobilenet_v2_96   the same network                            input   float32 [3, 96, 96]
  bert4             BERT-style encoder: 4 post-norm layers, hidden 256, 4 heads, FFN 1024,
                    exact GELU (Erf), vocab 8000, sequence 128  input_ids, attention_mask int64 [128]
  kws1d             1-D conv keyword spotter over MFCC frames   mfcc    float32 [40, 101]
  cnn, cnn-int8,    the portal's demo models (portal/src/main/resources/demo), referenced, not copied
  mlp, text

BatchNorm running statistics are set by a few forward passes in training mode over random inputs
(seeded), so that activations keep a sensible scale through the random network; the weights
themselves stay as initialized.
"""
import argparse
import collections
import json
import math
import os
import sys

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

SEED = 20250601
OPSET = 17
HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'portal', 'src', 'main', 'resources', 'demo'))


class EncoderLayer(nn.Module):
    """One BERT layer (post-norm): x = LN(x + Attn(x)); x = LN(x + FFN(x))."""

    def __init__(self, hidden, heads, ffn, seq):
        super().__init__()
        self.heads = heads
        self.head_dim = hidden // heads
        self.hidden = hidden
        self.seq = seq
        self.q = nn.Linear(hidden, hidden)
        self.k = nn.Linear(hidden, hidden)
        self.v = nn.Linear(hidden, hidden)
        self.o = nn.Linear(hidden, hidden)
        self.ln1 = nn.LayerNorm(hidden, eps=1e-12)
        self.ff1 = nn.Linear(hidden, ffn)
        self.ff2 = nn.Linear(ffn, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=1e-12)

    def split(self, x):
        # [B, S, H*D] -> [B, H, S, D]; -1 for the batch axis keeps Shape/Gather ops out of the graph
        return x.reshape(-1, self.seq, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x, additive_mask):
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + additive_mask
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v)
        ctx = ctx.transpose(1, 2).reshape(-1, self.seq, self.hidden)
        x = self.ln1(x + self.o(ctx))
        return self.ln2(x + self.ff2(F.gelu(self.ff1(x))))


class Bert4(nn.Module):
    """Token + position embedding (+ LayerNorm, as BERT), 4 encoder layers, the CLS embedding out."""

    def __init__(self, vocab=8000, hidden=256, layers=4, heads=4, ffn=1024, seq=128):
        super().__init__()
        self.tok = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(seq, hidden)
        self.register_buffer('position_ids', torch.arange(seq).unsqueeze(0), persistent=False)
        self.ln = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList([EncoderLayer(hidden, heads, ffn, seq) for _ in range(layers)])
        # Random LayerNorm affine parameters (as in a trained model): with the default ones and
        # zeros, the exporter would share one initializer among all nine LayerNorms through
        # Identity nodes.
        for m in self.modules():
            if isinstance(m, nn.LayerNorm):
                with torch.no_grad():
                    m.weight.normal_(1.0, 0.1)
                    m.bias.normal_(0.0, 0.02)

    def forward(self, input_ids, attention_mask):
        x = self.ln(self.tok(input_ids) + self.pos(self.position_ids))
        # [B, S] -> [B, 1, 1, S]: 0 where attended, -1e4 on padding
        additive = ((1.0 - attention_mask.to(torch.float32)) * -10000.0).unsqueeze(1).unsqueeze(2)
        for layer in self.layers:
            x = layer(x, additive)
        return x[:, 0]


class Kws1d(nn.Module):
    """Keyword spotter over [B, 40 MFCC, 101 frames]: 5 Conv1d+BatchNorm1d+ReLU blocks, global
    average pool over time, Linear to 12 classes."""

    def __init__(self, mfcc=40, classes=12):
        super().__init__()
        spec = [(mfcc, 64, 5, 1), (64, 64, 3, 2), (64, 128, 3, 1), (128, 128, 3, 2), (128, 128, 3, 1)]
        blocks = []
        for cin, cout, k, s in spec:
            blocks += [nn.Conv1d(cin, cout, k, stride=s, padding=k // 2, bias=False), nn.BatchNorm1d(cout), nn.ReLU()]
        self.features = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.fc = nn.Linear(128, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


def calibrate_batchnorm(model, shape, batches=4, batch=8):
    """Cumulative BatchNorm statistics over a few random batches (training mode, no grad)."""
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.rand(batch, *shape))
    model.eval()


def histogram(model):
    return dict(sorted(collections.Counter(n.op_type for n in model.graph.node).items(), key=lambda kv: (-kv[1], kv[0])))


def export(module, path, names, example, outputs):
    module.eval()
    axes = {n: {0: 'batch'} for n in names + outputs}
    with torch.no_grad():
        torch.onnx.export(module, example, path, input_names=names, output_names=outputs,
                          opset_version=OPSET, dynamic_axes=axes, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return m


def float_input(name, dims, low, high):
    return {'name': name, 'dtype': 'float32', 'dims': dims, 'fill': {'kind': 'uniform', 'low': low, 'high': high}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(HERE, 'out'))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(SEED)
    torch.set_num_threads(min(2, torch.get_num_threads()))

    entries = []

    def add(name, module, inputs, example, outputs, note, calibrate=None):
        torch.manual_seed(SEED)  # each model's weights independent of the order of the list
        module = module()
        if calibrate:
            calibrate_batchnorm(module, calibrate)
        file = name + '.onnx'
        path = os.path.join(args.out, file)
        m = export(module, path, [i['name'] for i in inputs], example, outputs)
        params = sum(p.numel() for p in module.parameters())
        ops = histogram(m)
        print('%-17s %6.1f MB, %5.2f M params, %4d nodes: %s' % (
            name, os.path.getsize(path) / 1e6, params / 1e6, len(m.graph.node),
            ', '.join('%s %d' % kv for kv in ops.items())), flush=True)
        entries.append({'name': name, 'file': file, 'mount': '/models', 'note': note, 'params': params,
                        'inputs': inputs, 'outputs': outputs, 'ops': ops})

    add('resnet18', lambda: torchvision.models.resnet18(weights=None),
        [float_input('input', [3, 224, 224], 0.0, 1.0)], torch.rand(1, 3, 224, 224), ['logits'],
        'torchvision resnet18(weights=None), 224x224', calibrate=(3, 224, 224))
    add('mobilenet_v2_224', lambda: torchvision.models.mobilenet_v2(weights=None),
        [float_input('input', [3, 224, 224], 0.0, 1.0)], torch.rand(1, 3, 224, 224), ['logits'],
        'torchvision mobilenet_v2(weights=None), 224x224', calibrate=(3, 224, 224))
    add('mobilenet_v2_96', lambda: torchvision.models.mobilenet_v2(weights=None),
        [float_input('input', [3, 96, 96], 0.0, 1.0)], torch.rand(1, 3, 96, 96), ['logits'],
        'torchvision mobilenet_v2(weights=None), 96x96', calibrate=(3, 96, 96))
    seq, vocab = 128, 8000
    add('bert4', lambda: Bert4(vocab=vocab, seq=seq),
        [{'name': 'input_ids', 'dtype': 'int64', 'dims': [seq], 'fill': {'kind': 'ids', 'vocab': vocab}},
         {'name': 'attention_mask', 'dtype': 'int64', 'dims': [seq], 'fill': {'kind': 'mask', 'min': seq // 8}}],
        (torch.randint(0, vocab, (1, seq)), torch.ones(1, seq, dtype=torch.int64)), ['embedding'],
        'BERT-style encoder: 4 post-norm layers, hidden 256, 4 heads, FFN 1024, GELU (Erf), seq 128, CLS out')
    add('kws1d', Kws1d, [float_input('mfcc', [40, 101], -1.0, 1.0)], torch.rand(1, 40, 101) * 2 - 1, ['logits'],
        '1-D conv keyword spotter: 5 Conv1d+BN+ReLU (64-128 ch, two stride 2), global avg pool, Linear 12',
        calibrate=(40, 101))

    images = [{'name': 'input', 'dtype': 'float32', 'dims': [1, 28, 28], 'fill': {'kind': 'npy', 'file': 'inputs.npy'}}]
    words = [{'name': 'input_ids', 'dtype': 'int64', 'dims': [16], 'fill': {'kind': 'ids', 'vocab': 300}},
             {'name': 'attention_mask', 'dtype': 'int64', 'dims': [16], 'fill': {'kind': 'mask', 'min': 4}}]
    for name, note, inputs in [('cnn', 'portal demo CNN (Fashion-MNIST)', images),
                               ('cnn-int8', 'portal demo CNN, int8 weights (DequantizeLinear per channel)', images),
                               ('mlp', 'portal demo MLP (Fashion-MNIST)', images),
                               ('text', 'portal demo sentence-topic classifier (2-layer BERT-style, seq 16)', words)]:
        path = os.path.join(DEMO, name + '.onnx')
        m = onnx.load(path)
        onnx.checker.check_model(m)
        ops = histogram(m)
        print('%-17s %6.1f MB, %4d nodes: %s (from %s)' % (
            name, os.path.getsize(path) / 1e6, len(m.graph.node), ', '.join('%s %d' % kv for kv in ops.items()), path))
        entries.append({'name': name, 'file': name + '.onnx', 'mount': '/demo', 'note': note, 'inputs': inputs,
                        'outputs': ['logits'], 'ops': ops})

    manifest = {
        'generator': 'bench/engine/models/make_models.py',
        'seed': SEED, 'opset': OPSET,
        'versions': {'torch': torch.__version__, 'torchvision': torchvision.__version__, 'onnx': onnx.__version__,
                     'python': sys.version.split()[0]},
        'fill': {
            'uniform': 'float32 uniform in [low, high)',
            'ids': 'integer token ids uniform in [0, vocab)',
            'mask': 'ones, then a tail of zeros: the first L positions are 1, L uniform in [min, length]',
            'npy': 'consecutive items of the .npy file beside the model (mount)',
        },
        'models': entries,
    }
    with open(os.path.join(args.out, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    print('wrote %d models and manifest.json to %s' % (len(entries), args.out))


if __name__ == '__main__':
    main()
