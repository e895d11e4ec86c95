"""Makes the tables `npm run bench:data` validates, in .bench/tables/ (at the repository root), if missing.

    /usr/bin/python3 bench/make_tables.py [--rows N] [--force]

Debian's python3 (python3-numpy 1.24, python3-pandas 1.5.3); a pyenv `python3` on PATH may lack them.

Writes
  .bench/tables/data-<N>.csv        N rows (default 10,000,000) x 20 columns, header row, pandas' to_csv
  .bench/tables/data-<N>.npy/       the same rows, one <column>.npy per column, text as int8 codes and
                                    <column>.categories.json (what pandas_validate.py loads as its
                                    stand-in for Parquet: pandas cannot read Parquet here)
  .bench/tables/reference.csv       1,000,000 rows, the same columns: the drift reference
  .bench/tables/reference.npy/      the same, one .npy per column
  .bench/tables/manifest-<N>.json   the schema (column -> pandas dtype, DuckDB type) and each file's size
The Parquet versions (data-<N>.parquet, reference.parquet) are written from the CSVs by DuckDB, in
bench/validate-data.mjs: pandas cannot write Parquet on this machine (no pyarrow, no fastparquet).

The table: an id (0..N-1, int64), 14 float columns with different distributions (normal,
lognormal, uniform, gamma, exponential spreads), rounded to the decimals a real export would carry,
a count (Poisson), a code (0..9), two text columns with a handful of values, a 0/1 label. A few
nulls in amount (0.2%), balance (1%), humidity (0.1%) and channel (0.5%). The rows come in chunks
of 500,000, each from its own seeded generator, so a smaller N gives the first N rows of the big
table, and a rerun gives the same bytes.

The reference is drawn like the data except in two columns, so that drift has something to find:
temperature (mean 16 instead of 20, half a standard deviation: PSI about 0.24, Jensen-Shannon
distance about 0.17) and channel (web 60%, mobile 20% instead of 45% / 35%: PSI about 0.13,
Jensen-Shannon about 0.125). Both cross validate-data's default thresholds (PSI 0.2, JS 0.1) by a
margin, and every other column stays far below them (about 0.002), so the verdict does not hinge
on a statistic's last digits.

Memory: one chunk at a time (about 200 MB of pandas frame at most), whatever N. Every file is
written under a temporary name and renamed when complete, so an interrupted run leaves nothing that
looks finished.
"""

import json
import os
import sys
import time

import numpy as np
import pandas as pd

CHUNK = 500_000
# bumped whenever the tables' contents change: a file recorded under another version is made again
VERSION = 3
SEED = 20250113
REFERENCE_ROWS = 1_000_000

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, ".bench", "tables")

COUNTRIES = ["US", "DE", "FR", "GB", "JP", "BR", "IN"]
COUNTRY_P = [0.35, 0.15, 0.12, 0.12, 0.1, 0.08, 0.08]
CHANNELS = ["web", "mobile", "store", "partner"]

# column -> (pandas dtype after read_csv, DuckDB type), in file order
SCHEMA = {
    "id": ("int64", "BIGINT"),
    "amount": ("float64", "DOUBLE"),
    "balance": ("float64", "DOUBLE"),
    "score": ("float64", "DOUBLE"),
    "ratio": ("float64", "DOUBLE"),
    "country": ("object", "VARCHAR"),
    "latency_ms": ("float64", "DOUBLE"),
    "temperature": ("float64", "DOUBLE"),
    "pressure": ("float64", "DOUBLE"),
    "humidity": ("float64", "DOUBLE"),
    "count": ("int64", "BIGINT"),
    "lat": ("float64", "DOUBLE"),
    "lon": ("float64", "DOUBLE"),
    "channel": ("object", "VARCHAR"),
    "price_low": ("float64", "DOUBLE"),
    "price_high": ("float64", "DOUBLE"),
    "code": ("int64", "BIGINT"),
    "weight": ("float64", "DOUBLE"),
    "feat_x": ("float64", "DOUBLE"),
    "label": ("int64", "BIGINT"),
}


def with_nulls(rng, values, fraction):
    values = values.copy()
    values[rng.random(len(values)) < fraction] = np.nan
    return values


def chunk_frame(seed, start, rows, shifted):
    """Rows start..start+rows-1 of a table; `shifted` draws the reference's two moved columns."""
    rng = np.random.default_rng([seed, start // CHUNK])
    price_low = np.round(rng.lognormal(4.0, 0.5, rows), 2)
    # a spread of at least 0.01 on prices rounded to cents: high > low on every row
    price_high = np.round(price_low + np.round(rng.exponential(5.0, rows), 2) + 0.01, 2)
    channel_p = [0.6, 0.2, 0.15, 0.05] if shifted else [0.45, 0.35, 0.15, 0.05]
    channel = np.array(CHANNELS, dtype=object)[rng.choice(4, rows, p=channel_p)]
    channel[rng.random(rows) < 0.005] = np.nan
    score = np.round(rng.random(rows), 6)
    columns = {
        "id": np.arange(start, start + rows, dtype=np.int64),
        "amount": with_nulls(rng, np.round(rng.lognormal(3.0, 1.0, rows), 2), 0.002),
        "balance": with_nulls(rng, np.round(rng.normal(1000.0, 250.0, rows), 2), 0.01),
        "score": score,
        "ratio": np.round(rng.uniform(-1.0, 1.0, rows), 6),
        "country": np.array(COUNTRIES, dtype=object)[rng.choice(len(COUNTRIES), rows, p=COUNTRY_P)],
        "latency_ms": np.round(rng.gamma(2.0, 50.0, rows), 3),
        "temperature": np.round(rng.normal(16.0 if shifted else 20.0, 8.0, rows), 2),
        "pressure": np.round(rng.normal(1013.0, 10.0, rows), 1),
        "humidity": with_nulls(rng, np.round(rng.uniform(0.0, 100.0, rows), 1), 0.001),
        "count": rng.poisson(3.0, rows).astype(np.int64),
        "lat": np.round(rng.uniform(-60.0, 70.0, rows), 5),
        "lon": np.round(rng.uniform(-180.0, 180.0, rows), 5),
        "channel": channel,
        "price_low": price_low,
        "price_high": price_high,
        "code": rng.integers(0, 10, rows, dtype=np.int64),
        "weight": np.round(rng.normal(70.0, 15.0, rows), 2),
        "feat_x": np.round(rng.standard_normal(rows), 6),
        "label": (rng.random(rows) < 0.2 + 0.2 * score).astype(np.int64),
    }
    return pd.DataFrame(columns, columns=list(SCHEMA))


def write_csv(path, seed, rows, shifted):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        for start in range(0, rows, CHUNK):
            frame = chunk_frame(seed, start, min(CHUNK, rows - start), shifted)
            frame.to_csv(f, header=start == 0, index=False, lineterminator="\n")
    os.replace(tmp, path)


def write_npy_columns(folder, seed, rows, shifted):
    """
    One .npy per column, columns.json their order. A text column is stored as int8 codes (-1 for a
    missing value) with <column>.categories.json, the way Parquet stores it (dictionary encoding).
    """
    tmp = folder + ".tmp"
    os.makedirs(tmp, exist_ok=True)
    with open(os.path.join(tmp, "columns.json"), "w") as f:
        json.dump(list(SCHEMA), f)
    categories = {"country": COUNTRIES, "channel": CHANNELS}
    for name, values in categories.items():
        with open(os.path.join(tmp, name + ".categories.json"), "w") as f:
            json.dump(values, f)
    arrays = {}
    for name, (dtype, _) in SCHEMA.items():
        kind = np.int8 if dtype == "object" else dtype
        path = os.path.join(tmp, name + ".npy")
        arrays[name] = np.lib.format.open_memmap(path, mode="w+", dtype=kind, shape=(rows,))
    for start in range(0, rows, CHUNK):
        frame = chunk_frame(seed, start, min(CHUNK, rows - start), shifted)
        for name in SCHEMA:
            col = frame[name]
            if name in categories:
                values = pd.Categorical(col, categories=categories[name]).codes
            else:
                values = col.to_numpy()
            arrays[name][start : start + len(frame)] = values
    for a in arrays.values():
        a.flush()
    del arrays
    if os.path.exists(folder):
        for f in os.listdir(folder):
            os.remove(os.path.join(folder, f))
        os.rmdir(folder)
    os.replace(tmp, folder)


def size_of(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))
    return os.path.getsize(path)


def main():
    argv = sys.argv[1:]
    rows = int(argv[argv.index("--rows") + 1]) if "--rows" in argv else 10_000_000
    force = "--force" in argv
    os.makedirs(OUT, exist_ok=True)
    data = os.path.join(OUT, f"data-{rows}.csv")
    npy = os.path.join(OUT, f"data-{rows}.npy")
    reference = os.path.join(OUT, "reference.csv")
    reference_npy = os.path.join(OUT, "reference.npy")
    manifest_path = os.path.join(OUT, f"manifest-{rows}.json")
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    recorded = manifest.get("files", {}) if manifest.get("version") == VERSION else {}

    def present(path):
        name = os.path.basename(path)
        sizes = [recorded.get(name)]
        if path in (reference, reference_npy):  # shared by every N: any manifest may have recorded it
            for other in os.listdir(OUT):
                if other.startswith("manifest-") and other.endswith(".json"):
                    with open(os.path.join(OUT, other)) as f:
                        m = json.load(f)
                    if m.get("version") == VERSION:
                        sizes.append(m.get("files", {}).get(name))
        return not force and os.path.exists(path) and size_of(path) in sizes

    jobs = [
        (data, lambda: write_csv(data, SEED, rows, False)),
        (npy, lambda: write_npy_columns(npy, SEED, rows, False)),
        (reference, lambda: write_csv(reference, SEED + 1, REFERENCE_ROWS, True)),
        (reference_npy, lambda: write_npy_columns(reference_npy, SEED + 1, REFERENCE_ROWS, True)),
    ]

    def write_manifest():
        manifest = {
            "version": VERSION,
            "rows": rows,
            "referenceRows": REFERENCE_ROWS,
            "seed": SEED,
            "schema": [{"name": n, "pandas": p, "duckdb": d} for n, (p, d) in SCHEMA.items()],
            "files": recorded,
        }
        with open(manifest_path + ".tmp", "w") as f:
            json.dump(manifest, f, indent=2)
        os.replace(manifest_path + ".tmp", manifest_path)

    for path, make in jobs:
        if present(path):
            print(f"{path}: present ({size_of(path) / 1e6:.0f} MB)")
        else:
            t0 = time.time()
            make()
            print(f"{path}: written in {time.time() - t0:.1f} s ({size_of(path) / 1e6:.0f} MB)")
        recorded[os.path.basename(path)] = size_of(path)
        write_manifest()  # after each file: an interrupted run keeps what it finished


if __name__ == "__main__":
    main()
