#!/usr/bin/env python3
"""Writes data/expectations.json, the Great Expectations suite (1.x JSON) of the digits tables.

    python3 examples/project/scripts/make_suite.py && npx prettier --write examples/project/data/expectations.json

Written by a script because it has the same three expectations for each of the 64 pixel columns.
The rules are what the data means, not a profile of this sample: 8x8 images whose pixels are
whole numbers 0..16, a label 0..9 where every digit occurs, one row per image id, no missing value.
"""
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
PIXELS = [f"pixel_{i}" for i in range(64)]
COLUMNS = ["id", *PIXELS, "label"]


def e(expectation, **kwargs):
    return {"type": expectation, "kwargs": kwargs, "meta": {}}


expectations = [
    e("expect_table_columns_to_match_ordered_list", column_list=COLUMNS),
    e("expect_table_row_count_to_be_between", min_value=300, max_value=1_000_000),
    e("expect_column_values_to_not_be_null", column="id"),
    e("expect_column_values_to_be_unique", column="id"),
    e("expect_column_values_to_be_of_type", column="id", type_="int64"),
    e("expect_column_values_to_not_be_null", column="label"),
    e("expect_column_values_to_be_of_type", column="label", type_="int64"),
    e("expect_column_values_to_be_in_set", column="label", value_set=list(range(10))),
    # every digit is there (a set without one class cannot evaluate it)
    e("expect_column_distinct_values_to_equal_set", column="label", value_set=list(range(10))),
]
for p in PIXELS:
    expectations += [
        e("expect_column_values_to_not_be_null", column=p),
        e("expect_column_values_to_be_of_type", column=p, type_="int64"),
        e("expect_column_values_to_be_between", column=p, min_value=0, max_value=16),
    ]
# the images are centred digits, not blank or shifted: the centre pixel (row 4, column 4) holds ink
expectations.append(e("expect_column_mean_to_be_between", column="pixel_36", min_value=4, max_value=16))

suite = {
    "name": "digits",
    "expectations": expectations,
    "meta": {"notes": "examples/project: load_digits tables; written by scripts/make_suite.py"},
}
path = os.path.join(ROOT, "data", "expectations.json")
with open(path, "w") as f:
    json.dump(suite, f, indent=2)
    f.write("\n")
print(f"{path}: {len(expectations)} expectations")
