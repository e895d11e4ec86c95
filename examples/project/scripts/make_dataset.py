#!/usr/bin/env python3
"""Writes the example project's tables from scikit-learn's bundled digits dataset.

    python3 examples/project/scripts/make_dataset.py          # from the repository root
    npx prettier --write examples/project/smoke/sample_request.json   # the repository's JSON style

load_digits() ships with scikit-learn (1797 8x8 images of handwritten digits, pixel values 0..16,
labels 0..9): nothing is downloaded. This script made the committed files; run it again only to
change them (its output is the same, digit for digit, on every run):

  data/train.csv      1257 rows: what scripts/train.py learns from (it carves its own validation
                      split out of these rows)
  data/holdout.csv     540 rows: the held-out set, never trained on; evaluate-baseline scores both
                      models on it. No image is in both sets (validate-data's leakage check).
  data/reference.csv   500 rows: the data the production baseline (baseline/model.onnx) learned
                      from, an older and smaller snapshot of the training data: validate-data
                      measures the training set's drift against it
  smoke/sample_request.json   an Open Inference Protocol (KServe V2) infer request of 4 holdout
                      images, for smoke-test

Columns: id (the image's row in load_digits, ignored by drift and leakage checks), pixel_0 ..
pixel_63 (row-major 8x8), label.
"""
import csv
import json
import os

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SEED = 20240614
HOLDOUT_ROWS = 540
REFERENCE_ROWS = 500

digits = load_digits()
X = digits.data.astype(np.int64)  # the values are whole numbers 0..16 stored as float64
y = digits.target.astype(np.int64)
ids = np.arange(len(y))

# stratified: every digit in the same proportion in both sets
train_ids, holdout_ids = train_test_split(ids, test_size=HOLDOUT_ROWS, random_state=SEED, stratify=y)
train_ids = np.sort(train_ids)
holdout_ids = np.sort(holdout_ids)
# the baseline's data: a stratified subset of the training rows (the training set grew since)
reference_ids, _ = train_test_split(train_ids, train_size=REFERENCE_ROWS, random_state=SEED, stratify=y[train_ids])
reference_ids = np.sort(reference_ids)

header = ["id"] + [f"pixel_{i}" for i in range(64)] + ["label"]


def write(name, rows):
    path = os.path.join(ROOT, "data", name)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for i in rows:
            w.writerow([int(i), *map(int, X[i]), int(y[i])])
    print(f"{path}: {len(rows)} rows")


write("train.csv", train_ids)
write("holdout.csv", holdout_ids)
write("reference.csv", reference_ids)

# features are FP32 (the model's input type); the four first holdout images
sample = holdout_ids[:4]
request = {
    "id": "smoke-sample",
    "inputs": [
        {
            "name": "pixels",
            "shape": [len(sample), 64],
            "datatype": "FP32",
            "data": [[float(v) for v in X[i]] for i in sample],
        }
    ],
}
path = os.path.join(ROOT, "smoke", "sample_request.json")
with open(path, "w") as f:
    json.dump(request, f)
    f.write("\n")
print(f"{path}: {len(sample)} rows, labels {[int(y[i]) for i in sample]}")
