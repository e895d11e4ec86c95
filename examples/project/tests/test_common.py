"""Unit tests of the example project's scripts (stage 1: `python -m pytest examples/project/tests`)."""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))

from common import CLASSES, PIXELS, Digits, read_table  # noqa: E402


def test_read_table_takes_the_pixels_and_the_label_and_leaves_the_id_out():
    features, labels = read_table(os.path.join(HERE, "..", "data", "holdout.csv"))
    assert features.shape == (540, PIXELS) and features.dtype == np.float32
    assert labels.shape == (540,) and labels.dtype == np.int64
    assert features.min() >= 0 and features.max() <= 16
    assert set(labels.tolist()) == set(range(CLASSES))


def test_the_model_takes_raw_pixels_in_batches_of_any_size():
    model = Digits(hidden=8).eval()
    with torch.no_grad():
        one = model(torch.full((1, PIXELS), 16.0))
        three = model(torch.full((3, PIXELS), 16.0))
    assert one.shape == (1, CLASSES) and three.shape == (3, CLASSES)
    assert torch.allclose(one[0], three[2])
