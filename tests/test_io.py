"""Atomic, deterministic writes: a failed step leaves the previous output in place."""

from __future__ import annotations

import pandas as pd
import pytest

from peacestats import io


def test_failed_write_keeps_previous_file(tmp_path):
    target = tmp_path / "out" / "table.csv"
    io.write_text(target, "good\n")
    with pytest.raises(RuntimeError):
        with io.atomic_open(target) as fh:
            fh.write("half")
            raise RuntimeError("step failed")
    assert target.read_text() == "good\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["table.csv"]  # no temp file left


def test_parquet_and_csv_are_byte_identical_across_runs(tmp_path):
    df = pd.DataFrame({"a": [1, 2, 3], "b": [0.1, 0.25, 1 / 3],
                       "c": pd.to_datetime(["2000-01-01", "2001-02-03", None])})
    io.write_parquet(df, tmp_path / "x1.parquet")
    io.write_parquet(df, tmp_path / "x2.parquet")
    assert (tmp_path / "x1.parquet").read_bytes() == (tmp_path / "x2.parquet").read_bytes()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "x1.parquet"), df)
    io.write_csv(df, tmp_path / "x1.csv")
    io.write_csv(df, tmp_path / "x2.csv")
    assert (tmp_path / "x1.csv").read_bytes() == (tmp_path / "x2.csv").read_bytes()
    assert (tmp_path / "x1.csv").read_text().splitlines()[2] == "2,0.25,2001-02-03"


def test_figures_are_byte_identical(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for fmt in ("png", "svg"):
        outs = []
        for i in range(2):
            fig, ax = plt.subplots()
            ax.plot([0, 1, 2], [1, 0, 2], label="x")
            ax.legend()
            outs.append(io.write_figure(fig, tmp_path / f"f{i}.{fmt}").read_bytes())
            plt.close(fig)
        assert outs[0] == outs[1], fmt


def test_json_is_sorted_and_stable(tmp_path):
    io.write_json(tmp_path / "a.json", {"b": 1, "a": [1, 2]})
    assert (tmp_path / "a.json").read_text() == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}\n'
