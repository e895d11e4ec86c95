"""What prepare_data.py, train.py and make_baseline.py share: reading the tables, the models, the
ONNX export. numpy and torch only (no pandas: the CSVs are plain integers)."""
import csv
import inspect
import os
import random

import numpy as np
import torch
from torch import nn

PIXELS = 64
CLASSES = 10
INPUT_NAME = "pixels"
OUTPUT_NAME = "logits"


def read_table(path):
    """(features float32 [rows, 64], labels int64 [rows]) of a CSV with id, pixel_0..63, label."""
    with open(path, newline="") as f:
        header = next(csv.reader(f))
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    pixels = [header.index(f"pixel_{i}") for i in range(PIXELS)]
    return table[:, pixels].astype(np.float32), table[:, header.index("label")].astype(np.int64)


def seed_everything(seed):
    """Same seed, same weights, same metrics: one thread, deterministic kernels."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


class Digits(nn.Module):
    """Raw pixels (0..16, FP32) in, class logits out: the scaling is part of the model, so the
    served model, evaluate-baseline and the smoke test all feed it the table's values as they are."""

    def __init__(self, hidden):
        super().__init__()
        layers = [nn.Linear(PIXELS, hidden), nn.ReLU(), nn.Linear(hidden, CLASSES)] if hidden else [nn.Linear(PIXELS, CLASSES)]
        self.net = nn.Sequential(*layers)

    def forward(self, pixels):
        return self.net(pixels / 16.0)


def export_onnx(model, path):
    """torch.onnx.export with a dynamic batch axis (validate-onnx checks it), opset 13."""
    model.eval()
    kwargs = {}
    # torch >= 2.9 exports through dynamo by default (it needs onnxscript): ask for the
    # TorchScript exporter, which every torch since 1.x has (torch 1.13 has no `dynamo` argument)
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    with torch.no_grad():
        torch.onnx.export(
            model,
            torch.zeros(1, PIXELS),
            path,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}},
            opset_version=13,
            **kwargs,
        )


def ensure_dir(path):
    os.makedirs(path, exist_ok=True)
    return path
