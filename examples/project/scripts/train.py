#!/usr/bin/env python3
"""Trains the digits classifier on CPU (a few seconds), deterministically, and exports it.

    python3 scripts/train.py --data build/data --out model

reads DATA/train/{features,labels}.npy (prepare_data.py; the held-out set is never read here) and
writes into OUT:

  metrics.csv              one row per epoch: epoch,train_loss,val_loss,grad_norm,val_accuracy
                           (check-training reads it). train_loss: mean cross-entropy over the
                           epoch's batches; val_loss, val_accuracy: on the validation split, after
                           the epoch; grad_norm: the MEAN over the epoch's batches of the total L2
                           norm of all parameters' gradients (torch.nn.utils.clip_grad_norm_'s norm,
                           before any clipping: none is done)
  model.onnx               the trained model (input `pixels` FP32 [batch, 64], raw pixel values
                           0..16; output `logits` FP32 [batch, 10]), with a dynamic batch axis
  reference_inputs.npy     32 validation rows, and
  reference_outputs.npy    what PyTorch computed for them: validate-onnx checks that onnxruntime
                           computes the same

The validation split (15%, seeded) is carved out of the training rows. Same seed, same torch
build: the same weights and metrics, digit for digit (one thread, deterministic algorithms).
"""
import argparse
import csv
import os
import time

import numpy as np
import torch
from torch import nn

from common import Digits, ensure_dir, export_onnx, seed_everything

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--data", required=True, help="prepare_data.py's output folder")
parser.add_argument("--out", required=True, help="folder for the model, its metrics and reference outputs")
parser.add_argument("--epochs", type=int, default=30)
parser.add_argument("--hidden", type=int, default=64, help="width of the hidden layer")
parser.add_argument("--lr", type=float, default=3e-3)
parser.add_argument("--batch-size", type=int, default=32)
parser.add_argument("--seed", type=int, default=7)
args = parser.parse_args()

started = time.monotonic()
seed_everything(args.seed)
features = np.load(os.path.join(args.data, "train", "features.npy"))
labels = np.load(os.path.join(args.data, "train", "labels.npy"))
order = np.random.default_rng(args.seed).permutation(len(labels))
n_val = round(0.15 * len(labels))
val_idx, fit_idx = order[:n_val], order[n_val:]
x_fit, y_fit = torch.from_numpy(features[fit_idx]), torch.from_numpy(labels[fit_idx])
x_val, y_val = torch.from_numpy(features[val_idx]), torch.from_numpy(labels[val_idx])

model = Digits(args.hidden)
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
loss_fn = nn.CrossEntropyLoss()
shuffle = torch.Generator().manual_seed(args.seed)
out = ensure_dir(args.out)

with open(os.path.join(out, "metrics.csv"), "w", newline="") as f:
    log = csv.writer(f, lineterminator="\n")
    log.writerow(["epoch", "train_loss", "val_loss", "grad_norm", "val_accuracy"])
    for epoch in range(1, args.epochs + 1):
        model.train()
        losses, norms = [], []
        for batch in torch.randperm(len(y_fit), generator=shuffle).split(args.batch_size):
            optimizer.zero_grad()
            loss = loss_fn(model(x_fit[batch]), y_fit[batch])
            loss.backward()
            norms.append(float(torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in model.parameters()]))))
            optimizer.step()
            losses.append(float(loss))
        model.eval()
        with torch.no_grad():
            logits = model(x_val)
            val_loss = float(loss_fn(logits, y_val))
            val_accuracy = float((logits.argmax(1) == y_val).double().mean())
        row = [epoch, np.mean(losses), val_loss, np.mean(norms), val_accuracy]
        log.writerow([epoch] + [f"{v:.6g}" for v in row[1:]])
        print("epoch {:3d}  train_loss {:.4f}  val_loss {:.4f}  grad_norm {:.4f}  val_accuracy {:.4f}".format(*row))

export_onnx(model, os.path.join(out, "model.onnx"))
reference = x_val[:32]
with torch.no_grad():
    np.save(os.path.join(out, "reference_inputs.npy"), reference.numpy())
    np.save(os.path.join(out, "reference_outputs.npy"), model(reference).numpy())
print(f"{out}/model.onnx: trained on {len(y_fit)} rows ({n_val} for validation) in {time.monotonic() - started:.1f} s")
