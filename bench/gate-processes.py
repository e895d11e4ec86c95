"""The data-generating processes of `npm run bench:gate` (bench/gate-soundness.mjs), with their
exact population metrics, computed here with numpy and scipy: independent of the code under test
and of the bench's JavaScript, which only draws rows from the parameters written here.

    /usr/bin/python3 bench/gate-processes.py

Debian's python3 (python3-numpy 1.24, python3-scipy 1.10); a pyenv `python3` on PATH may lack them.
Writes bench/gate-processes.json (committed: the bench reads it, it does not run python). Each
process is one (metric, true improvement) pair; the improvement is positive when the new model is
better (new - baseline for accuracy, f1-macro, roc-auc; baseline - new for log-loss, rmse).
docs/gate-soundness.md derives each process; in short:

confusion (accuracy, f1-macro), 3 classes. Labels y ~ pi. The baseline predicts b ~ C_base[y].
The new model copies the baseline's prediction with probability rho (the two models agree on
most rows, as two models of the same data do), else draws its own a ~ C_new(t)[y], with
C_new(t) = (1 - t) C_lo + t C_hi (C_lo: biased to the majority class, C_hi: better on every
class). A row is a cell (y, a, b) with probability
    P(y, a, b) = pi[y] * C_base[y][b] * (rho * [a == b] + (1 - rho) * C_new(t)[y][a]).
The population metric of a model is the metric of its expected confusion matrix
P(y, pred) (accuracy = trace; F1 of class c = 2 P(c, c) / (P(y = c) + P(pred = c)), macro =
mean over the 3 classes, all present). t is solved by Brent's method so that
metric(new) - metric(baseline) = target; the achieved difference is recomputed from the 27
cell probabilities themselves.

logit-normal (log-loss), binary. Each model's logit of the true class is
    l_m = mu_m + sigma_m * (sqrt(r) Z + sqrt(1 - r) E_m),  Z, E_new, E_base iid N(0, 1),
so corr(l_new, l_base) = r; the row's log-loss is -log sigmoid(l_m) = softplus(-l_m). The
expected log-loss L(mu, sigma) = E softplus(-(mu + sigma X)), X ~ N(0, 1), is a one-dimensional
integral: scipy.integrate.quad, cross-checked with 300-node Gauss-Hermite quadrature (the
difference is printed and stored). mu_new is solved by Brent's method so that
L(mu_base, sigma_base) - L(mu_new, sigma_new) = target. The new model is sharper (sigma_new >
sigma_base): at target 0 the two models have equal expected loss but differently shaped losses.

bivariate-normal (rmse). Per-row errors (e_new, e_base) ~ N(0, [[s_new^2, r s_new s_base],
[r s_new s_base, s_base^2]]): the population RMSE is the standard deviation, so s_new = s_base -
target exactly.

binormal (roc-auc), binary. y ~ Bernoulli(positive_rate). Negatives score N(0, 1) under both
models; positives N(mu_base, 1) under the baseline and N(mu_new, sd_new^2) under the new model;
within a class the two models' standardized scores have correlation r. The population AUC is
P(S_pos > S_neg) = Phi(mu / sqrt(1 + sd^2)), so mu_base = sqrt(2) Phi^-1(AUC_base) and mu_new =
sqrt(1 + sd_new^2) Phi^-1(AUC_base + target). sd_new = 1.25 makes the null (target 0) two
models with equal AUC and different ROC curves.
"""

import json
import os

import numpy as np
from scipy import integrate, optimize, stats

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = [0.0, 0.01, 0.02]
BRENT = dict(xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=200)

# confusion: 3 classes, the majority class first
PI = np.array([0.5, 0.3, 0.2])
C_BASE = np.array([[0.85, 0.10, 0.05], [0.15, 0.75, 0.10], [0.10, 0.20, 0.70]])
C_LO = np.array([[0.95, 0.03, 0.02], [0.35, 0.60, 0.05], [0.30, 0.15, 0.55]])
C_HI = np.array([[0.93, 0.05, 0.02], [0.08, 0.88, 0.04], [0.06, 0.08, 0.86]])
RHO = 0.7

# log-loss
MU_BASE_LOGIT, SIGMA_BASE_LOGIT, SIGMA_NEW_LOGIT, R_LOGIT = 2.0, 2.0, 2.5, 0.8

# rmse
SIGMA_BASE_ERROR, R_ERROR = 1.0, 0.9

# roc-auc
POSITIVE_RATE, AUC_BASE, SD_NEW_POSITIVE, R_SCORE = 0.3, 0.80, 1.25, 0.7


def cells(t):
    """The 3 x 3 x 3 cell probabilities P(y, a, b) at mixing weight t."""
    c_new = (1 - t) * C_LO + t * C_HI
    k = len(PI)
    p = np.zeros((k, k, k))
    for y in range(k):
        for a in range(k):
            for b in range(k):
                p[y, a, b] = PI[y] * C_BASE[y, b] * (RHO * (a == b) + (1 - RHO) * c_new[y, a])
    return p


def accuracy(joint):
    return float(np.trace(joint))


def f1_macro(joint):
    support, predicted = joint.sum(axis=1), joint.sum(axis=0)
    return float(np.mean(2 * np.diag(joint) / (support + predicted)))


def confusion_process(metric, target):
    score = accuracy if metric == "accuracy" else f1_macro

    def gap(t):
        p = cells(t)
        return score(p.sum(axis=2)) - score(p.sum(axis=1)) - target

    t = optimize.brentq(gap, 0.0, 1.0, **BRENT)
    p = cells(t)
    assert abs(p.sum() - 1) < 1e-14 and (p >= 0).all()
    new, base = score(p.sum(axis=2)), score(p.sum(axis=1))
    table = [[y, a, b, float(p[y, a, b])] for y in range(3) for a in range(3) for b in range(3)]
    return {"kind": "confusion", "new": new, "baseline": base, "achieved": new - base, "params": {"classes": 3, "t": t, "cells": table}}


def softplus(x):
    return np.logaddexp(0.0, x)


def expected_log_loss(mu, sigma):
    """E softplus(-(mu + sigma X)), X ~ N(0, 1), by adaptive quadrature on +-40 sd (the rest is < 1e-300)."""
    value, error = integrate.quad(lambda x: softplus(-(mu + sigma * x)) * stats.norm.pdf(x), -40, 40, epsabs=1e-14, epsrel=1e-13, limit=500, points=[-mu / sigma])
    return value, error


def expected_log_loss_hermite(mu, sigma, nodes=300):
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    return float(np.sum(w * softplus(-(mu + sigma * x))) / np.sqrt(2 * np.pi))


def log_loss_process(target):
    base, base_err = expected_log_loss(MU_BASE_LOGIT, SIGMA_BASE_LOGIT)
    mu_new = optimize.brentq(lambda mu: base - expected_log_loss(mu, SIGMA_NEW_LOGIT)[0] - target, -5.0, 10.0, **BRENT)
    new, new_err = expected_log_loss(mu_new, SIGMA_NEW_LOGIT)
    hermite_gap = max(
        abs(new - expected_log_loss_hermite(mu_new, SIGMA_NEW_LOGIT)),
        abs(base - expected_log_loss_hermite(MU_BASE_LOGIT, SIGMA_BASE_LOGIT)),
    )
    return {
        "kind": "logit-normal",
        "new": new,
        "baseline": base,
        "achieved": base - new,
        "integration": {"quadErrorEstimate": max(base_err, new_err), "hermite300Difference": hermite_gap},
        "params": {"muNew": mu_new, "sigmaNew": SIGMA_NEW_LOGIT, "muBase": MU_BASE_LOGIT, "sigmaBase": SIGMA_BASE_LOGIT, "correlation": R_LOGIT},
    }


def rmse_process(target):
    sigma_new = SIGMA_BASE_ERROR - target
    return {
        "kind": "bivariate-normal",
        "new": sigma_new,
        "baseline": SIGMA_BASE_ERROR,
        "achieved": SIGMA_BASE_ERROR - sigma_new,
        "params": {"sigmaNew": sigma_new, "sigmaBase": SIGMA_BASE_ERROR, "correlation": R_ERROR},
    }


def auc_process(target):
    mu_base = np.sqrt(2.0) * stats.norm.ppf(AUC_BASE)
    mu_new = np.sqrt(1 + SD_NEW_POSITIVE**2) * stats.norm.ppf(AUC_BASE + target)
    new = stats.norm.cdf(mu_new / np.sqrt(1 + SD_NEW_POSITIVE**2))
    base = stats.norm.cdf(mu_base / np.sqrt(2.0))
    return {
        "kind": "binormal",
        "new": float(new),
        "baseline": float(base),
        "achieved": float(new - base),
        "params": {"positiveRate": POSITIVE_RATE, "muNew": float(mu_new), "sdNew": SD_NEW_POSITIVE, "muBase": float(mu_base), "sdBase": 1.0, "correlation": R_SCORE},
    }


def main():
    processes = []
    for target in TARGETS:
        for metric, make in [
            ("accuracy", lambda t: confusion_process("accuracy", t)),
            ("f1-macro", lambda t: confusion_process("f1-macro", t)),
            ("log-loss", log_loss_process),
            ("rmse", rmse_process),
            ("roc-auc", auc_process),
        ]:
            process = {"metric": metric, "target": target, **make(target)}
            processes.append(process)
            print(f"{metric:9s} target {target:.2f}: new {process['new']:.15f} baseline {process['baseline']:.15f} achieved {process['achieved']:.3e} (off by {process['achieved'] - target:.1e})")
            assert abs(process["achieved"] - target) < 1e-12, process
    out = os.path.join(HERE, "gate-processes.json")
    with open(out + ".tmp", "w") as f:
        json.dump({"generator": "bench/gate-processes.py", "processes": processes}, f, indent=1)
        f.write("\n")
    os.replace(out + ".tmp", out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
