#!/usr/bin/env python3
"""Turns the validated tables into the arrays training and evaluation read.

    python3 scripts/prepare_data.py --data data --out build/data

writes OUT/train/{features,labels}.npy (from data/train.csv) and OUT/holdout/{features,labels}.npy
(from data/holdout.csv): features float32 [rows, 64] (the pixel columns, id left out), labels
int64 [rows]. OUT/holdout is what evaluate-baseline's `eval-data` reads.
"""
import argparse
import os

import numpy as np

from common import ensure_dir, read_table

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--data", default="data", help="folder holding train.csv and holdout.csv")
parser.add_argument("--out", required=True, help="folder to write train/ and holdout/ into")
args = parser.parse_args()

for name in ("train", "holdout"):
    features, labels = read_table(os.path.join(args.data, f"{name}.csv"))
    out = ensure_dir(os.path.join(args.out, name))
    np.save(os.path.join(out, "features.npy"), features)
    np.save(os.path.join(out, "labels.npy"), labels)
    print(f"{out}: {features.shape[0]} rows, {features.shape[1]} features")
