"""Makes the benchmark's eval set and models in .bench/ (at the repository root), if missing.

    /usr/bin/python3 bench/make_data.py [--force]

Debian's python3 (python3-numpy, python3-torch 1.13); a pyenv `python3` on PATH may lack them.

Writes
  .bench/data/features.npy   float32 (2000000, 20), standard normal
  .bench/data/labels.npy     int64 (2000000,), argmax of a hidden random linear teacher
  .bench/models/baseline.onnx, .bench/models/new.onnx
      MLPs 20 -> 512 -> 512 -> 10 (ReLU), opset 13, input 'features' [batch, 20], output
      'logits' [batch, 10], dynamic batch axis. Both are trained briefly on rows drawn from the
      same teacher (separate from the eval rows), from different seeds; the new one for more steps,
      so it is the better of the two.

Every file is written under a temporary name and renamed when complete, so an interrupted run
leaves nothing that looks finished. Generation works in chunks of rows; peak memory is about
the final arrays (176 MB) plus one chunk.
"""

import os
import sys

import numpy as np
import torch

ROWS = 2_000_000
FEATURES = 20
HIDDEN = 512
CLASSES = 10
CHUNK = 250_000
SEED = 20240601

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, ".bench")
DATA = os.path.join(OUT, "data")
MODELS = os.path.join(OUT, "models")
FILES = [
    os.path.join(DATA, "features.npy"),
    os.path.join(DATA, "labels.npy"),
    os.path.join(MODELS, "baseline.onnx"),
    os.path.join(MODELS, "new.onnx"),
]


def teacher():
    rng = np.random.default_rng(SEED)
    w = rng.standard_normal((FEATURES, CLASSES)).astype(np.float32)
    b = (0.5 * rng.standard_normal(CLASSES)).astype(np.float32)
    return w, b


def labels_of(x, w, b):
    return np.argmax(x @ w + b, axis=1).astype(np.int64)


def save_npy(path, array):
    tmp = path + ".tmp.npy"
    np.save(tmp, array)
    os.replace(tmp, path)


def make_eval_set(w, b):
    rng = np.random.default_rng(SEED + 1)
    features = np.empty((ROWS, FEATURES), dtype=np.float32)
    labels = np.empty(ROWS, dtype=np.int64)
    for start in range(0, ROWS, CHUNK):
        stop = min(ROWS, start + CHUNK)
        chunk = rng.standard_normal((stop - start, FEATURES), dtype=np.float32)
        features[start:stop] = chunk
        labels[start:stop] = labels_of(chunk, w, b)
    save_npy(FILES[0], features)
    save_npy(FILES[1], labels)
    counts = np.bincount(labels, minlength=CLASSES)
    print(f"eval set: {ROWS} rows x {FEATURES} features; class counts {counts.tolist()}")


def mlp():
    return torch.nn.Sequential(
        torch.nn.Linear(FEATURES, HIDDEN),
        torch.nn.ReLU(),
        torch.nn.Linear(HIDDEN, HIDDEN),
        torch.nn.ReLU(),
        torch.nn.Linear(HIDDEN, CLASSES),
    )


def train(seed, steps, w, b):
    torch.manual_seed(seed)
    model = mlp()
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(steps):
        x = rng.standard_normal((512, FEATURES), dtype=np.float32)
        y = labels_of(x, w, b)
        optimizer.zero_grad()
        loss = loss_fn(model(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        optimizer.step()
    model.eval()
    return model


def export(model, path):
    tmp = path + ".tmp"
    torch.onnx.export(
        model,
        torch.zeros(1, FEATURES),
        tmp,
        input_names=["features"],
        output_names=["logits"],
        dynamic_axes={"features": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=13,
    )
    os.replace(tmp, path)


def main():
    force = "--force" in sys.argv[1:]
    if not force and all(os.path.exists(f) for f in FILES):
        print(f"{OUT}: data and models present")
        return
    os.makedirs(DATA, exist_ok=True)
    os.makedirs(MODELS, exist_ok=True)
    torch.set_num_threads(os.cpu_count() or 1)
    w, b = teacher()
    make_eval_set(w, b)
    # a short training run and a longer one, from different seeds: the new model is the better one
    check = np.random.default_rng(SEED + 2).standard_normal((20_000, FEATURES), dtype=np.float32)
    check_y = labels_of(check, w, b)
    for name, seed, steps in (("baseline", SEED + 10, 60), ("new", SEED + 20, 400)):
        model = train(seed, steps, w, b)
        with torch.no_grad():
            acc = (model(torch.from_numpy(check)).argmax(1).numpy() == check_y).mean()
        export(model, os.path.join(MODELS, f"{name}.onnx"))
        print(f"{name}.onnx: {steps} training steps, accuracy on fresh rows ~{acc:.4f}")


if __name__ == "__main__":
    main()
