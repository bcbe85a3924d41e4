"""Mission-conflict links (``peacestats.harmonize.linkage``): the authored table and presence by link.

The shipped ``mission_conflicts.csv`` is checked against the mission tables (every operation has
a row) and against the UCDP/PRIO ACD (every conflict exists); facts a reader can check in the
resolutions are asserted literally (UNMOGIP observes the Kashmir line, conflict 218, not India's
other wars; UNTAC implemented the Paris Agreements, conflict 300). Damaged copies check that each
broken rule raises :class:`LinkTableError` naming file, column and row. ``presence_changes`` is
tested on a small hand-made world whose answer can be read off, and on the real spells.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from peacestats.errors import HarmonizeError, LinkTableError
from peacestats.harmonize import linkage as L
from peacestats.harmonize import missions as M


@pytest.fixture(scope="module")
def links():
    return L.mission_conflicts()


@pytest.fixture(scope="module")
def acd(mirror):
    from peacestats.sources import load

    return load("ucdp_acd")


def test_every_operation_listed_and_every_conflict_exists(links, acd):
    from peacestats.harmonize.mission_universe import create_missions

    universe = create_missions()
    table = L.linked_missions_table(universe, acd, links)
    # every operation of the universe is listed, linked or explicitly unlinked, and nothing else
    assert set(universe["mission_id"]) == set(table["mission_id"])
    ops = set(M.missions()["mission_acronym"]) | set(M.kathman_unmatched()["kathman_mission"])
    assert ops <= set(table["mission_id"])
    assert table["conflict_id"].dropna().isin(set(acd["conflict_id"])).all()
    assert not table.duplicated(["mission_id", "link_id"]).any()
    # names come along: a linked row names the conflict's location
    assert table.loc[table["link"].ne("none"), "location"].notna().all()


def test_values_and_sources(links):
    assert set(links["link"]) <= set(L.LINK_VALUES)
    assert set(links["basis"]) <= set(L.LINK_BASES)
    assert links["source"].str.strip().str.len().gt(0).all()
    assert (links["link"].eq("none") == links["conflict_id"].isna()).all()


def test_known_links(links):
    """Literal facts from the mandates (S/RES/47 (1948), S/RES/745 (1992), S/RES/50 (1948))."""
    def ids(m, values=("sent_for",)):
        x = links[links["mission_id"].eq(m) & links["link"].isin(values)]
        return set(x["conflict_id"].astype(int))

    assert ids("UNMOGIP") == {218}          # India-Pakistan over Kashmir, not the insurgencies
    assert 300 in ids("UNTAC")              # Cambodia: government vs KR (Paris Agreements)
    assert 228 in ids("UNTSO")              # the 1948 Palestine war truce
    assert 364 not in ids("UNMOGIP", L.LINK_VALUES)  # the Kashmir insurgency is not its mandate


def _write(tmp_path, rows, header=L.LINK_COLUMNS):
    p = tmp_path / L.LINKS_FILE
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    p.write_text(buf.getvalue(), encoding="utf-8")
    return p


GOOD = ["UNTAC", "300", "sent_for", "mandate", "S/RES/745 (1992)", "Paris Agreements"]


@pytest.mark.parametrize("row, column, message", [
    (["UNTAC", "300", "sent", "mandate", "S/RES/745 (1992)", "n"], "link", "'sent' is not one of"),
    (["UNTAC", "300", "sent_for", "resolution", "S/RES/745 (1992)", "n"], "basis", "'resolution' is not one of"),
    (["UNTAC", "", "sent_for", "mandate", "S/RES/745 (1992)", "n"], "conflict_id", "needs a conflict_id"),
    (["UNTAC", "300", "none", "none", "S/RES/745 (1992)", "n"], "conflict_id", "'none' has no conflict_id"),
    (["UNTAC", "", "none", "mandate", "S/RES/745 (1992)", "n"], "basis", "basis 'none' goes with link 'none'"),
    (["UNTAC", "3x0", "sent_for", "mandate", "S/RES/745 (1992)", "n"], "conflict_id", "not a UCDP conflict id"),
    (["UNTAC", "300", "sent_for", "mandate", " ", "n"], "source", "is empty"),
    (["UNTAC", "300", "sent_for", "mandate", "S/RES/745 (1992)", ""], "note", "is empty"),
])
def test_bad_rows_name_file_column_row(tmp_path, row, column, message):
    p = _write(tmp_path, [["UNAMIC", "300", "sent_for", "mandate", "S/RES/717 (1991)", "n"], row])
    msg = rf"mission_conflicts.csv, column '{column}', row 2 \(UNTAC\): .*{message}"
    with pytest.raises(LinkTableError, match=msg):
        L.mission_conflicts(p)


def test_repeated_pair_and_mixed_none(tmp_path):
    with pytest.raises(LinkTableError, match="appears in more than one row"):
        L.mission_conflicts(_write(tmp_path, [GOOD, GOOD]))
    with pytest.raises(LinkTableError, match="cannot also be linked"):
        L.mission_conflicts(_write(tmp_path, [GOOD, ["UNTAC", "", "none", "none", "s", "n"]]))


def test_missing_column_file_and_rows(tmp_path):
    with pytest.raises(LinkTableError, match=r"lacks column\(s\) \['note'\]"):
        L.mission_conflicts(_write(tmp_path, [GOOD[:5]], header=L.LINK_COLUMNS[:5]))
    with pytest.raises(LinkTableError, match="no such file"):
        L.mission_conflicts(tmp_path / "absent.csv")
    with pytest.raises(LinkTableError, match="no rows"):
        L.mission_conflicts(_write(tmp_path, []))
    assert issubclass(LinkTableError, HarmonizeError)


def test_check_links_reports_gaps():
    t = pd.DataFrame({"mission_id": ["A", "TPPM-7", "X"], "conflict_id": pd.array([1, 2, pd.NA], dtype="Int64"),
                      "link": ["sent_for", "sent_for", "none"]})
    with pytest.raises(LinkTableError) as err:
        L.check_links(t, ["A", "B"], [1])
    msg = str(err.value)
    assert "['B']" in msg                       # an operation with no row
    assert "'TPPM-7'" in msg and "'X'" in msg   # ids that are no operation
    assert "[2]" in msg                         # a conflict the ACD does not have
    L.check_links(t, ["A", "TPPM-7", "X"], [1, 2])  # all fine: no error


# --- presence on a hand-made world ---------------------------------------------------------
def _world():
    """Two conflicts in one country (GW 500) and one in a two-country location (600, 601).

    * spell 1 (conflict 10, country 500): mission PK-A, linked to 10, deployed in 500
      March-April 2000 with 100 troops; mission PK-B (linked to 20 only) deployed in 500 all
      year; a political mission POL linked to 10 in June.
    * spell 2 (conflict 20, country 500): PK-B is its linked mission.
    * spell 3 (conflict 30, location 600 and 601): PK-C, linked, in 600 (40 troops) and in a
      third country 700 (60 troops): only the 40 in the location count.
    """
    spells = pd.DataFrame({
        "spell_id": [1, 2, 3], "conflict_id": [10, 20, 30],
        "start_date": pd.to_datetime(["2000-01-15", "2000-01-15", "2000-01-15"]),
        "stop_date": pd.to_datetime(["2000-12-31", "2000-12-31", "2000-12-31"]),
        "ep_gwno_loc": [(500,), (500,), (600, 601)],
    })
    months = pd.date_range("2000-01-01", "2000-12-01", freq="MS")
    mm = []
    for d in months:
        mm.append(("PK-B", "UN", "peacekeeping", 500, d, "traditional", 10.0))
        if d.month in (3, 4):
            mm.append(("PK-A", "UN", "peacekeeping", 500, d, "observer", 100.0))
        if d.month == 6:
            mm.append(("POL", "UN", "political", 500, d, None, 5.0))
        mm.append(("PK-C", "UN", "peacekeeping", 600, d, "enforcement", 40.0))
        mm.append(("PK-C", "UN", "peacekeeping", 700, d, "enforcement", 60.0))
    mm = pd.DataFrame(mm, columns=["mission", "organization", "kind", "gwcode", "date", "mission_type", "total"])
    for c in ("troops", "police", "observers"):
        mm[c] = mm["total"] if c == "troops" else 0.0
    links = pd.DataFrame({"mission_id": ["PK-A", "PK-B", "POL", "PK-C"],
                          "conflict_id": pd.array([10, 20, 10, 30], dtype="Int64"),
                          "link": ["sent_for"] * 4})
    return spells, mm, links


def _at(ch, spell, date):
    g = ch[(ch["spell_id"] == spell) & (ch["date"] <= pd.Timestamp(date))]
    return g.iloc[-1]


def test_presence_counts_linked_operations_only():
    spells, mm, links = _world()
    ch = L.presence_changes(spells, mm, links)
    jan, mar, may, jun = (_at(ch, 1, d) for d in ("2000-01-01", "2000-03-01", "2000-05-01", "2000-06-01"))
    # PK-B sits in the same country all year but was sent for conflict 20, not 10
    assert jan["un_present"] == 0 and jan["un_present_country"] == 1
    assert mar["un_present"] == 1 and mar["un_missions"] == "PK-A" and mar["un_total"] == 100.0
    assert mar["un_total_country"] == 110.0 and mar["mission_type"] == "observer"
    assert may["un_present"] == 0 and may["un_total"] == 0.0
    # a political mission is never peacekeeping presence
    assert jun["un_present"] == 0 and jun["un_political_present"] == 1
    assert _at(ch, 2, "2000-02-01")["un_present"] == 1
    # personnel count in the location's hosts only
    c = _at(ch, 3, "2000-02-01")
    assert c["un_present"] == 1 and c["un_total"] == 40.0 and c["un_total_country"] == 40.0


def test_uncertain_links_count_only_in_their_own_column():
    spells, mm, links = _world()
    links.loc[links["mission_id"] == "PK-A", "link"] = "uncertain"
    mar = _at(L.presence_changes(spells, mm, links), 1, "2000-03-01")
    assert mar["un_present"] == 0 and mar["un_present_incl_uncertain"] == 1


def test_presence_needs_location_codes():
    spells, mm, links = _world()
    with pytest.raises(LinkTableError, match="location's codes"):
        L.presence_changes(spells.drop(columns="ep_gwno_loc"), mm, links)
