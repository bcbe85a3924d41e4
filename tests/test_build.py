"""`peacestats build` on the real data: every table, datapackage.json, determinism, invariants."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from peacestats.build import TABLES, build
from peacestats.errors import HarmonizeError
from peacestats.harmonize.spells import check_counting_process


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    paths = build(out, echo=lambda *a: None)
    return out, paths


def test_every_table_and_the_datapackage(built):
    out, paths = built
    assert set(paths) == {t.name for t in TABLES}
    pkg = json.loads((out / "datapackage.json").read_text())
    by_name = {r["name"]: r for r in pkg["resources"]}
    for t in TABLES:
        df = pd.read_parquet(out / f"{t.name}.parquet")
        res = by_name[t.name]
        assert res["rows"] == len(df)
        assert [f["name"] for f in res["schema"]["fields"]] == list(df.columns)
        assert res["schema"]["primaryKey"] == list(t.primary_key)
        assert not df.duplicated(list(t.primary_key)).any()
        assert {s["name"] for s in res["sources"]} == set(t.sources)
        assert all(len(s["sha256"]) == 64 and s["version"] for s in res["sources"])
    assert by_name["episodes"]["rows"] == 620
    assert by_name["spells"]["rows"] == 559
    # location-level: six peace periods that two conflicts' episodes began on the same day count once
    assert by_name["spells_location"]["rows"] == 343
    # what the build leaves out, and the link counts, are recorded in the package
    excluded = by_name["mission_months"]["excluded"]
    assert "ad hoc TPPM-41 (no hosts)" in excluded["missions_without_start_or_hosts"]  # Tonga: a GW microstate
    assert excluded["missions_with_unknown_end"] == []  # ECOMOG-LBR's end now comes from TPPM row 142
    # the mission universe: every source's operations, and those whose end is unknown, flagged
    assert by_name["missions"]["origins"] == {"dpo_list": 81, "kathman": 22, "non_un_table": 26, "tppm": 138}
    assert by_name["missions"]["flagged"]["end_not_known_after_last_source_month"] == []
    links = by_name["mission_conflicts"]["links"]
    assert sum(links.values()) == by_name["mission_conflicts"]["rows"] and links["sent_for"] > 0


def test_presence_is_linked_to_the_conflict(built):
    """UNMOGIP observes the Kashmir line (UCDP 218, S/RES/47 (1948)): present in that conflict's spells,
    and only country-level present in India's other conflicts' spells."""
    out, _ = built
    rows = pd.read_parquet(out / "spell_rows.parquet")
    kashmir = rows[(rows["conflict_id"] == 218) & (rows["start_date"] >= "1950-01-01")]
    assert len(kashmir) and (kashmir["un_present"] == 1).all()
    assert kashmir["un_missions"].str.contains("UNMOGIP").all()
    other_india = rows[rows["ep_gwno_loc"].map(lambda c: 750 in list(c)) & (rows["conflict_id"] != 218)
                       & (rows["start_date"] >= "1950-01-01")]
    assert len(other_india) > 100
    assert (other_india["un_present_country"] == 1).all()
    assert not other_india["un_missions"].str.contains("UNMOGIP").any()
    # a political mission is never peacekeeping presence (UNAMA in Afghanistan's spells)
    mm = pd.read_parquet(out / "mission_months.parquet")
    assert set(mm.loc[mm["mission"] == "UNAMA", "kind"]) == {"political"}


def test_build_is_byte_identical(built, tmp_path):
    out, _ = built
    build(tmp_path, echo=lambda *a: None)
    for f in sorted(out.iterdir()):
        assert (tmp_path / f.name).read_bytes() == f.read_bytes(), f.name


def test_spell_rows_are_valid_counting_process_data(built):
    out, _ = built
    for name, spells_name in (("spell_rows", "spells"), ("spell_rows_location", "spells_location")):
        rows = pd.read_parquet(out / f"{name}.parquet")
        spells = pd.read_parquet(out / f"{spells_name}.parquet")
        check_counting_process(rows)
        # splitting keeps every spell, its length and its failure
        agg = rows.groupby("spell_id").agg(stop=("stop", "max"), event=("event", "sum"), first=("start", "min"))
        sp = spells.set_index("spell_id").loc[agg.index]
        assert (agg["first"] == 0).all()
        assert (agg["stop"] == sp["duration_days"]).all()
        assert (agg["event"] == sp["failed"]).all()
        assert len(agg) == len(spells)


def test_unamsil_personnel_in_sierra_leone_spell(built, mirror):
    """The Sierra Leone peace spell that began 2001-12-20 carries UNAMSIL's Kathman numbers.

    Expected values read straight from Kathman's mission-month CSV (UNAMSIL, 2001-12 and 2002-04).
    """
    out, _ = built
    rows = pd.read_parquet(out / "spell_rows.parquet")
    kath = {}
    with open(mirror / "kathman_pko" / "mission-month_12-2019.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["mission"] == "UNAMSIL":
                kath[(int(r["year"]), int(r["month"]))] = (
                    float(r["troop"]), float(r["police"]), float(r["militaryobservers"])
                )
    sl = rows[rows["gwno_loc_primary"] == 451].set_index("start_date")
    for (y, m), start in (((2001, 12), pd.Timestamp("2001-12-20")), ((2002, 4), pd.Timestamp("2002-04-01"))):
        r = sl.loc[start]
        assert (r["un_troops"], r["un_police"], r["un_observers"]) == kath[(y, m)]
        assert r["un_present"] == 1 and r["mission_type"] == "enforcement"
    # after UNAMSIL left (December 2005), no UN troops until UNIOSIL-like political offices (not PKOs)
    after = sl[(sl.index >= "2006-02-01") & (sl.index < "2008-01-01")]
    assert (after["un_troops"].fillna(0) == 0).all()


def test_spell_covariates_are_from_the_year_before(built):
    out, _ = built
    sp = pd.read_parquet(out / "spells.parquet")
    sy = pd.read_parquet(out / "stateyears.parquet").set_index(["gwcode", "year"])
    s = sp[sp["spell_id"] == 38201].iloc[0]  # Sierra Leone, began 2001-12-20
    assert s["gdp_rgdppc"] == sy.loc[(451, 2000), "gdp_rgdppc"]
    assert s["polity2"] == sy.loc[(451, 2000), "polity2"]


def test_unknown_table_is_an_error(tmp_path):
    with pytest.raises(HarmonizeError, match="unknown table"):
        build(tmp_path, tables=["nope"], echo=lambda *a: None)
    assert not (tmp_path / "datapackage.json").exists()


def test_tables_are_the_same_with_every_source_parsed_afresh(built, tmp_path, monkeypatch):
    """The parsed-source cache changes nothing: a build that parses every file gives the same bytes."""
    out, _ = built
    monkeypatch.setenv("PEACESTATS_NO_CACHE", "1")
    build(tmp_path, echo=lambda *a: None)
    for f in sorted(out.iterdir()):
        assert (tmp_path / f.name).read_bytes() == f.read_bytes(), f.name


def test_a_table_reading_a_source_it_does_not_declare_is_an_error(tmp_path, monkeypatch, mirror):
    import peacestats.build as b

    def builder(ctx):
        ctx.source("gw_states")
        return ctx.source("rugged")[["gwcode"]].dropna().drop_duplicates()

    declared = b.Table("t", builder, ("gwcode",), "test", ("gw_states",))
    monkeypatch.setattr(b, "TABLES", [declared])
    with pytest.raises(HarmonizeError, match=r"table t read source\(s\) \['rugged'\]"):
        build(tmp_path, echo=lambda *a: None)
    monkeypatch.setattr(b, "TABLES", [b.Table("t", builder, ("gwcode",), "test", ("gw_states", "rugged"))])
    assert set(build(tmp_path, echo=lambda *a: None)) == {"t"}


def test_build_gives_each_builder_its_own_copy_of_a_source(mirror):
    from peacestats.build import _Context

    ctx = _Context()
    ctx.table = "x"
    a = ctx.source("gw_states")
    a.loc[0, "gwcode"] = -1
    assert ctx.source("gw_states").loc[0, "gwcode"] != -1
    assert ctx.lineage == {"x": {"gw_states"}} and list(ctx.frames) == ["gw_states"]


def test_a_frame_shared_by_tables_counts_as_a_read_of_each(tmp_path, mirror, monkeypatch):
    """A source read while making a shared frame is recorded for every table that uses the frame."""
    import peacestats.build as b

    def shared(ctx):
        return ctx.derived("s", lambda: ctx.source("rugged")[["gwcode"]].dropna().drop_duplicates())

    first = b.Table("first", shared, ("gwcode",), "test", ("rugged",))
    second = b.Table("second", shared, ("gwcode",), "test", ())
    monkeypatch.setattr(b, "TABLES", [first, second])
    with pytest.raises(HarmonizeError, match=r"table second read source\(s\) \['rugged'\]"):
        build(tmp_path, echo=lambda *a: None)


def test_a_table_converting_country_codes_reads_the_state_lists(tmp_path, mirror, monkeypatch):
    """Code conversions in a builder use the build's crosswalk, which reads gw_states and cow_states."""
    import peacestats.build as b
    from peacestats.harmonize.codes import gw_to_cow

    def builder(ctx):
        return pd.DataFrame({"gwcode": [260], "cowcode": [gw_to_cow(260, 1995)]})

    monkeypatch.setattr(b, "TABLES", [b.Table("t", builder, ("gwcode",), "test", ())])
    with pytest.raises(HarmonizeError, match=r"table t read source\(s\) \['cow_states', 'gw_states'\]"):
        build(tmp_path, echo=lambda *a: None)
    monkeypatch.setattr(b, "TABLES", [b.Table("t", builder, ("gwcode",), "test", ("gw_states", "cow_states"))])
    build(tmp_path, echo=lambda *a: None)
    assert pd.read_parquet(tmp_path / "t.parquet")["cowcode"].tolist() == [255]


def test_spell_tables_declare_the_state_lists_their_covariates_start_from(built):
    out, _ = built
    package = json.loads((out / "datapackage.json").read_text())
    for r in package["resources"]:
        if r["name"] in ("spells", "spells_location"):
            assert {"gw_states", "cow_states"} <= {s["name"] for s in r["sources"]}, r["name"]


def test_harmonize_modules_neither_load_sources_nor_cache_data():
    """Harmonize gets its inputs as frames (defaults through peacestats.data); only package resources are cached."""
    import ast
    from pathlib import Path

    import peacestats.harmonize as h

    resource_readers = {"_exceptions", "_iso_exceptions", "_polity_exceptions", "_iso_rules",
                        "_kathman_hosts_override", "_successions"}
    for path in sorted(Path(h.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module == "sources":
                assert "load" not in {a.name for a in node.names}, f"{path.name} imports sources.load"
            if isinstance(node, ast.FunctionDef) and node.decorator_list:
                names = {ast.unparse(d) for d in node.decorator_list}
                if names & {"functools.cache", "functools.lru_cache", "cache", "lru_cache"} or any(
                        n.startswith("functools.lru_cache(") for n in names):
                    assert node.name in resource_readers, f"{path.name}: {node.name} is cached in the module"
