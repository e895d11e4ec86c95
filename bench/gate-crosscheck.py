"""An independent re-simulation of points of `npm run bench:gate`, in numpy.

    /usr/bin/python3 bench/gate-crosscheck.py [--gates 2000] [--replicates 2000] [--seed 1]
    /usr/bin/python3 bench/gate-crosscheck.py --metrics log-loss --sizes 500 --gates 200000

log-loss: the textbook one-sided z-test of the mean paired difference of per-row losses (se =
sample sd / sqrt(N), scipy.stats.norm), on many more gates than the bench runs, so its size at
N = 500 is pinned down to a few hundredths of a point; it also prints the skewness of the per-row
difference, which sets the z-test's one-sided error at small N (Edgeworth: about
gamma * (2 z^2 + 1) * phi(z) / (6 sqrt(N)) above or below the nominal level).

confusion (accuracy, f1-macro):
Same processes (bench/gate-processes.json), but numpy's generator, numpy's multinomial, and a
paired percentile bootstrap written here from its definition: resample the N rows' cells
(multinomial with the observed cell frequencies), recompute accuracy and F1-macro of both models
per replicate, take numpy's default (type 7, linear) quantiles. McNemar's exact one-sided test
from scipy.stats.binom. It prints, per point, the promotion rates of the confidence rule (lower
bound >= min-improvement) and of the significance test (p < 0.05, improvement >= 0), so a rate of
the bench that is over 5% can be told apart: the same rate here means the method (percentile
bootstrap, exact test), not the core's code, is the cause. It also prints the confidence rule's
rate with a strict inequality (lower bound > min-improvement): the gap is how often the bound
lands exactly on the margin, which happens on the lattice of accuracy differences (steps of 1/N).
"""

import argparse
import json
import os

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
MARGIN, ALPHA, CONFIDENCE, ROUNDING = 0.01, 0.05, 0.95, 1e-12


def metrics(counts, y, a, b, k=3):
    """accuracy and F1-macro of both models, for every row of counts (replicates x cells)."""
    n = counts.sum(axis=-1)
    out = {}
    for name, pred in (("new", a), ("baseline", b)):
        correct = counts[..., pred == y].sum(axis=-1)
        f1 = 0
        for c in range(k):
            tp = counts[..., (pred == c) & (y == c)].sum(axis=-1)
            support = counts[..., y == c].sum(axis=-1)
            predicted = counts[..., pred == c].sum(axis=-1)
            denom = support + predicted
            f1 = f1 + np.where(denom > 0, 2 * tp / np.where(denom > 0, denom, 1), 0)
        out[name] = {"accuracy": correct / n, "f1-macro": f1 / k}
    return out


def simulate(process, n, gates, replicates, rng):
    cells = np.array(process["params"]["cells"])
    y, a, b, p = cells[:, 0].astype(int), cells[:, 1].astype(int), cells[:, 2].astype(int), cells[:, 3]
    metric = process["metric"]
    tally = {"confidence": 0, "confidence_strict": 0, "test": 0}
    for _ in range(gates):
        counts = rng.multinomial(n, p)
        observed = metrics(counts, y, a, b)
        improvement = observed["new"][metric] - observed["baseline"][metric]
        boot = rng.multinomial(n, counts / n, size=replicates)
        m = metrics(boot, y, a, b)
        diffs = m["new"][metric] - m["baseline"][metric]
        diffs = diffs[~np.isnan(diffs)]
        lower = np.quantile(diffs, 1 - CONFIDENCE)
        tally["confidence"] += lower + ROUNDING >= MARGIN and improvement + ROUNDING >= MARGIN
        tally["confidence_strict"] += lower > MARGIN + ROUNDING and improvement + ROUNDING >= MARGIN
        if metric == "accuracy":
            new_only = counts[(a == y) & (b != y)].sum()
            base_only = counts[(a != y) & (b == y)].sum()
            p_value = stats.binom.sf(new_only - 1, new_only + base_only, 0.5) if new_only + base_only > 0 else 1.0
        else:
            p_value = (1 + np.sum(diffs <= 0)) / (len(diffs) + 1)
        tally["test"] += p_value < ALPHA and improvement + ROUNDING >= 0
    return tally


def log_loss_rows(params, rows, rng):
    """Per-row improvement (baseline loss - new loss) of `rows` rows, as bench/gate-samplers.mjs draws them."""
    z = np.sqrt(params["correlation"]) * rng.standard_normal(rows)
    own = np.sqrt(1 - params["correlation"])
    new = np.logaddexp(0.0, -(params["muNew"] + params["sigmaNew"] * (z + own * rng.standard_normal(rows))))
    base = np.logaddexp(0.0, -(params["muBase"] + params["sigmaBase"] * (z + own * rng.standard_normal(rows))))
    return base - new


def simulate_log_loss(process, n, gates, rng, chunk=2000):
    z95 = stats.norm.ppf(CONFIDENCE)
    tally = {"confidence": 0, "confidence_strict": 0, "test": 0}
    for start in range(0, gates, chunk):
        g = min(chunk, gates - start)
        d = log_loss_rows(process["params"], g * n, rng).reshape(g, n)
        improvement = d.mean(axis=1)
        se = d.std(axis=1, ddof=1) / np.sqrt(n)
        lower = improvement - z95 * se
        tally["confidence"] += int(np.sum((lower + ROUNDING >= MARGIN) & (improvement + ROUNDING >= MARGIN)))
        tally["confidence_strict"] += int(np.sum(lower > MARGIN + ROUNDING))
        tally["test"] += int(np.sum((stats.norm.sf(improvement / se) < ALPHA) & (improvement + ROUNDING >= 0)))
    return tally


def skewness(process, rng, rows=10_000_000):
    d = log_loss_rows(process["params"], rows, rng)
    return float(stats.skew(d))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gates", type=int, default=2000)
    parser.add_argument("--replicates", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sizes", default="500,5000,50000")
    parser.add_argument("--metrics", default="accuracy,f1-macro")
    args = parser.parse_args()
    processes = json.load(open(os.path.join(HERE, "gate-processes.json")))["processes"]
    rng = np.random.default_rng(args.seed)
    for metric in args.metrics.split(","):
        for n in map(int, args.sizes.split(",")):
            for target, rule in ((0.0, "test"), (MARGIN, "confidence")):
                process = next(p for p in processes if p["metric"] == metric and abs(p["target"] - target) < 1e-12)
                if metric == "log-loss":
                    if n == int(args.sizes.split(",")[0]) and rule == "test":
                        print(f"log-loss  true {target:.2f}: skewness of the per-row difference {skewness(process, rng):.3f}", flush=True)
                    t = simulate_log_loss(process, n, args.gates, rng)
                else:
                    t = simulate(process, n, args.gates, args.replicates, rng)
                rate = t[rule] / args.gates
                se = np.sqrt(rate * (1 - rate) / args.gates)
                extra = f" (strict >: {100 * t['confidence_strict'] / args.gates:.2f}%)" if rule == "confidence" else ""
                print(f"{metric:9s} N={n:6d} true {target:.2f}: {rule:10s} {100 * rate:5.2f}% +- {100 * se:.2f}{extra}", flush=True)


if __name__ == "__main__":
    main()
