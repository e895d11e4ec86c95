"""The script a user would otherwise write for stage 2: pandas reads the table, numpy/pandas compute
the suite's checks with Great Expectations' semantics, scipy/numpy the drift against a reference.
`npm run bench:data` (bench/validate-data.mjs) times it against the validate-data action.

    /usr/bin/python3 bench/pandas_validate.py --data FILE --reference FILE --suite bench/data-suite.json

--data / --reference: a .csv file (pandas.read_csv, all defaults, the whole file), or a folder of
<column>.npy files (bench/make_tables.py writes one per table; text as int8 codes and a
<column>.categories.json, as Parquet's dictionary encoding stores it), loaded with numpy.load into a
DataFrame whose text columns are object strings, as pandas.read_parquet gives them: the stand-in for Parquet, which pandas cannot read on this machine (Debian has neither
pyarrow nor fastparquet, and PyPI is unreachable). Loading raw binary columns is cheaper than any
Parquet reader (no decoding, no decompression), so it flatters pandas: see docs/benchmarks.md.

Prints one JSON line: the rows, per expectation what GE's result would say (success, observed_value,
element_count, missing_count, unexpected_count), per column the drift statistics and whether they
crossed the thresholds, and the time of each phase. When BENCH_USAGE_FILE is set, writes the
process's peak RSS (ru_maxrss, KiB) and CPU time (microseconds) there at exit, as
bench/child-usage.mjs does for node.

Drift, per column but the id: numeric (float, or int with more than 20 distinct reference values)
-> PSI over 10 bins cut at the reference's deciles, KS two-sample (scipy.stats.ks_2samp, method
'auto': asymptotic at these sizes), Jensen-Shannon distance over the PSI bins; categorical (text,
or int with at most 20 distinct reference values) -> chi-square test of homogeneity on the 2 x K
table (scipy.stats.chi2_contingency), Jensen-Shannon distance and PSI over the categories (current
categories the reference lacks count as bins of their own). Missing values are left out. PSI adds
0.0001 to every bin's proportion (Evidently's epsilon); Jensen-Shannon uses the natural logarithm
(scipy's default). Drifted: PSI > 0.2 or JS > 0.1, validate-data's defaults; the KS and
chi-square p-values are computed and reported, as the action does, but do not decide (with 10M
against 1M rows a p-value flags shifts far too small to matter).
"""

import atexit
import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

# validate-data's defaults (its drift-thresholds input: `psi=0.2, js=0.1, ks-p=off, chi2-p=off`, which
# the bench passes explicitly): KS and chi-square are computed and reported, but do not decide
THRESHOLDS = {"psi": 0.2, "js": 0.1, "ks_p": None, "chi2_p": None}
BINS = 10
EPSILON = 1e-4
CATEGORICAL_MAX_DISTINCT = 20
DRIFT_EXCLUDE = {"id"}


def write_usage():
    path = os.environ.get("BENCH_USAGE_FILE")
    if not path:
        return
    u = resource.getrusage(resource.RUSAGE_SELF)
    with open(path, "w") as f:
        json.dump({"maxRssKiB": u.ru_maxrss, "cpuUs": round((u.ru_utime + u.ru_stime) * 1e6)}, f)
        f.write("\n")


def load(path):
    if os.path.isdir(path):
        with open(os.path.join(path, "columns.json")) as f:
            names = json.load(f)
        columns = {}
        for name in names:
            a = np.load(os.path.join(path, name + ".npy"))
            categories = os.path.join(path, name + ".categories.json")
            if os.path.exists(categories):  # text: object strings, NaN when missing, as read_csv gives them
                with open(categories) as f:
                    a = np.array(json.load(f) + [np.nan], dtype=object)[a]  # code -1: the NaN at the end
            columns[name] = a
        return pd.DataFrame(columns)
    return pd.read_csv(path)


# --- the suite's checks, GE's semantics (nulls left out of column-map checks but the null ones) ---


def column_map(col, unexpected_mask_of_nonnull, mostly, extra=None):
    """A column-map expectation: unexpected among the non-null values; success by `mostly`."""
    nonnull = col.dropna()
    unexpected = int(unexpected_mask_of_nonnull(nonnull).sum())
    n = len(col)
    considered = len(nonnull)
    success = considered == 0 or (considered - unexpected) / considered >= mostly
    out = {"success": bool(success), "element_count": n, "missing_count": n - considered, "unexpected_count": unexpected}
    out.update(extra or {})
    return out


def between(value, kw):
    lo, hi = kw.get("min_value"), kw.get("max_value")
    ok = True
    if lo is not None:
        ok = ok and (value > lo if kw.get("strict_min") else value >= lo)
    if hi is not None:
        ok = ok and (value < hi if kw.get("strict_max") else value <= hi)
    return bool(ok)


def values_between_mask(kw):
    def mask(v):
        ok = np.ones(len(v), dtype=bool)
        if kw.get("min_value") is not None:
            ok &= (v > kw["min_value"]) if kw.get("strict_min") else (v >= kw["min_value"])
        if kw.get("max_value") is not None:
            ok &= (v < kw["max_value"]) if kw.get("strict_max") else (v <= kw["max_value"])
        return ~ok

    return mask


def aggregate(value, kw):
    value = value.item() if hasattr(value, "item") else value
    return {"success": between(value, kw), "observed_value": value}


def check(df, entry):
    t = entry.get("expectation_type") or entry["type"]
    kw = entry["kwargs"]
    mostly = kw.get("mostly", 1.0)
    col = df[kw["column"]] if "column" in kw else None
    if t == "expect_table_row_count_to_be_between":
        return aggregate(len(df), kw)
    if t == "expect_table_columns_to_match_set":
        observed = list(df.columns)
        want = set(kw["column_set"])
        ok = set(observed) == want if kw.get("exact_match", True) else want <= set(observed)
        return {"success": ok, "observed_value": observed}
    if t == "expect_column_values_to_not_be_null":
        n = len(col)
        unexpected = int(col.isna().sum())
        return {"success": (n - unexpected) / n >= mostly, "element_count": n, "unexpected_count": unexpected}
    if t == "expect_column_values_to_be_unique":
        return column_map(col, lambda v: v.duplicated(keep=False), mostly)
    if t == "expect_column_values_to_be_of_type":
        return {"success": col.dtype.name == kw["type_"], "observed_value": col.dtype.name}
    if t == "expect_column_values_to_be_between":
        return column_map(col, values_between_mask(kw), mostly)
    if t == "expect_column_values_to_be_in_set":
        return column_map(col, lambda v: ~v.isin(kw["value_set"]), mostly)
    if t == "expect_column_values_to_match_regex":
        return column_map(col, lambda v: ~v.astype(str).str.contains(kw["regex"]), mostly)
    if t == "expect_column_value_lengths_to_be_between":
        return column_map(col, lambda v: values_between_mask(kw)(v.astype(str).str.len()), mostly)
    if t == "expect_column_mean_to_be_between":
        return aggregate(col.mean(), kw)
    if t == "expect_column_stdev_to_be_between":
        return aggregate(col.std(), kw)
    if t == "expect_column_min_to_be_between":
        return aggregate(col.min(), kw)
    if t == "expect_column_max_to_be_between":
        return aggregate(col.max(), kw)
    if t == "expect_column_median_to_be_between":
        return aggregate(col.median(), kw)
    if t == "expect_column_distinct_values_to_be_in_set":
        observed = sorted(v.item() if hasattr(v, "item") else v for v in col.dropna().unique())
        return {"success": set(observed) <= set(kw["value_set"]), "observed_value": observed}
    if t == "expect_column_proportion_of_unique_values_to_be_between":
        nonnull = col.dropna()
        return aggregate(nonnull.nunique() / len(nonnull) if len(nonnull) else None, kw)
    if t == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = df[kw["column_A"]], df[kw["column_B"]]
        keep = ~(a.isna() & b.isna())  # ignore_row_if: both_values_are_missing (GE's default)
        a, b = a[keep], b[keep]
        unexpected = int((~(a >= b if kw.get("or_equal") else a > b)).sum())
        n = int(keep.sum())
        return {"success": n == 0 or (n - unexpected) / n >= mostly, "element_count": len(df), "unexpected_count": unexpected}
    raise SystemExit(f"pandas_validate.py: no check written for {t}")


# --- drift ---


def psi(ref_p, cur_p):
    ref_p, cur_p = ref_p + EPSILON, cur_p + EPSILON
    return float(np.sum((cur_p - ref_p) * np.log(cur_p / ref_p)))


def crossed(out, p_value, p_key):
    """Drifted: PSI or JS above its threshold, or the test's p-value below its own (when not off)."""
    t = THRESHOLDS
    return bool(out["psi"] > t["psi"] or out["js"] > t["js"] or (t[p_key] is not None and p_value < t[p_key]))


def numeric_drift(ref, cur):
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, BINS + 1)[1:-1]))
    ref_counts = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1)
    cur_counts = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1)
    ref_p, cur_p = ref_counts / ref_counts.sum(), cur_counts / cur_counts.sum()
    ks = stats.ks_2samp(cur, ref)
    out = {
        "kind": "numeric",
        "psi": psi(ref_p, cur_p),
        "ks": {"statistic": float(ks.statistic), "pValue": float(ks.pvalue)},
        "js": float(jensenshannon(ref_p, cur_p)),
    }
    out["drifted"] = crossed(out, out["ks"]["pValue"], "ks_p")
    return out


def categorical_drift(ref, cur):
    ref_counts, cur_counts = ref.value_counts(), cur.value_counts()
    categories = list(ref_counts.index) + [c for c in cur_counts.index if c not in ref_counts.index]
    r = ref_counts.reindex(categories, fill_value=0).to_numpy(dtype=float)
    c = cur_counts.reindex(categories, fill_value=0).to_numpy(dtype=float)
    chi2, p, dof, _ = stats.chi2_contingency(np.vstack([r, c]), correction=False)
    ref_p, cur_p = r / r.sum(), c / c.sum()
    out = {
        "kind": "categorical",
        "psi": psi(ref_p, cur_p),
        "chiSquare": {"statistic": float(chi2), "dof": int(dof), "pValue": float(p)},
        "js": float(jensenshannon(ref_p, cur_p)),
    }
    out["drifted"] = crossed(out, out["chiSquare"]["pValue"], "chi2_p")
    return out


def drift(reference, current):
    columns = {}
    for name in reference.columns:
        if name in DRIFT_EXCLUDE:
            continue
        ref, cur = reference[name].dropna(), current[name].dropna()
        categorical = ref.dtype == object or (ref.dtype.kind in "iub" and ref.nunique() <= CATEGORICAL_MAX_DISTINCT)
        if categorical:
            columns[name] = categorical_drift(ref, cur)
        else:
            columns[name] = numeric_drift(ref.to_numpy(dtype=float), cur.to_numpy(dtype=float))
    return {"columns": columns, "drifted": [n for n, c in columns.items() if c["drifted"]], "thresholds": THRESHOLDS}


def arg(name):
    argv = sys.argv[1:]
    if name not in argv:
        raise SystemExit(f"usage: pandas_validate.py --data FILE --reference FILE --suite FILE (missing {name})")
    return argv[argv.index(name) + 1]


def main():
    atexit.register(write_usage)
    t0 = time.perf_counter()
    with open(arg("--suite")) as f:
        suite = json.load(f)
    df = load(arg("--data"))
    t1 = time.perf_counter()
    results = []
    for entry in suite["expectations"]:
        r = check(df, entry)
        r["expectation_type"] = entry.get("expectation_type") or entry["type"]
        results.append(r)
    t2 = time.perf_counter()
    reference = load(arg("--reference"))
    t3 = time.perf_counter()
    drifts = drift(reference, df)
    t4 = time.perf_counter()
    out = {
        "rows": len(df),
        "columns": len(df.columns),
        "success": all(r["success"] for r in results),
        "results": results,
        "drift": drifts,
        "timings": {"readS": t1 - t0, "checksS": t2 - t1, "readReferenceS": t3 - t2, "driftS": t4 - t3, "totalS": t4 - t0},
    }
    print(json.dumps(out, default=lambda o: o.item() if hasattr(o, "item") else str(o)))


if __name__ == "__main__":
    main()
