#!/usr/bin/env python3
"""Makes baseline/model.onnx, the committed "model in production" the pipeline's candidate must beat.

    python3 examples/project/scripts/make_baseline.py

A deliberately weaker model, as last year's production model would be: a linear classifier
(softmax regression, no hidden layer) trained for 10 epochs on data/reference.csv, the smaller,
older data it "learned from" (which validate-data measures drift against). Same input and output
as scripts/train.py's model (`pixels` FP32 [batch, 64] -> `logits` FP32 [batch, 10]), so that
evaluate-baseline scores both on the same held-out set. Prints its accuracy on data/holdout.csv
(scikit-learn's accuracy_score on onnx-free PyTorch outputs).
"""
import os

import torch
from sklearn.metrics import accuracy_score
from torch import nn

from common import Digits, export_onnx, read_table, seed_everything

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
EPOCHS = 10

seed_everything(3)
features, labels = read_table(os.path.join(ROOT, "data", "reference.csv"))
x, y = torch.from_numpy(features), torch.from_numpy(labels)
model = Digits(hidden=0)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
shuffle = torch.Generator().manual_seed(3)
for epoch in range(EPOCHS):
    for batch in torch.randperm(len(y), generator=shuffle).split(32):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
        optimizer.step()

path = os.path.join(ROOT, "baseline", "model.onnx")
export_onnx(model, path)
hx, hy = read_table(os.path.join(ROOT, "data", "holdout.csv"))
with torch.no_grad():
    accuracy = accuracy_score(hy, model(torch.from_numpy(hx)).argmax(1).numpy())
print(f"{path}: {os.path.getsize(path)} bytes; accuracy on data/holdout.csv {accuracy:.4f}")
