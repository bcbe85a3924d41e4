"""CWM-conflict links (``peacestats.harmonize.cwm_links``): the authored table and how it was made.

The shipped ``cwm_conflicts.csv`` lists every CWM row (matched or not) and only ACD conflicts;
it is what :func:`draft_cwm_links` makes from the data and the hand review, so it can be
rebuilt. Known cases are asserted literally: Sant'Egidio's mediation between Frelimo and Renamo
(1990-92, CWM row 472) belongs to Mozambique's conflict 332; UNITA after independence is Angola's
conflict over government (327), not the colonial war (263). Damaged copies check that each
broken rule raises :class:`LinkTableError` naming file, column and row.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from peacestats.errors import LinkTableError
from peacestats.harmonize import cwm_links as C


@pytest.fixture(scope="module")
def links():
    return C.cwm_conflicts()


@pytest.fixture(scope="module")
def sources(mirror):
    from peacestats.sources import load

    return load("cwm"), load("ucdp_acd")


def test_every_cwm_row_listed_and_every_conflict_exists(links, sources):
    cwm, acd = sources
    C.check_cwm_links(links, cwm, acd)
    assert set(links["cwm_row"]) == set(cwm["row"]) and len(cwm) == 762
    assert (links["match"].eq("none") == links["conflict_id"].isna()).all()
    assert links["source"].str.len().gt(0).all() and links["note"].str.len().gt(0).all()
    per_row = links.groupby("cwm_row")["match"].first().value_counts()
    # the counts the report quotes: most rows exact, the unmatched listed with why
    assert per_row["exact"] > 700 and per_row["none"] >= 5


def test_shipped_table_is_what_the_generator_makes(links, sources):
    cwm, acd = sources
    again = C.draft_cwm_links(cwm, acd)[links.columns]
    text = ["side_b", "episode_start"]  # blank in the CSV, "" in the draft
    pd.testing.assert_frame_equal(links.fillna({c: "" for c in text}).reset_index(drop=True),
                                  again.fillna({c: "" for c in text}).reset_index(drop=True), check_dtype=False)


def test_known_cases(links):
    def ids(row, match=("exact",)):
        x = links[links["cwm_row"].eq(row) & links["match"].isin(match)]
        return set(x["conflict_id"].dropna().astype(int))

    assert ids(472) == {332}           # Sant'Egidio, Frelimo-Renamo, Rome 1992
    assert ids(13) == {327}            # UNITA from 1975: not the colonial war 263
    assert ids(656) == {282}           # Anya Nya/SSLM: Southern Sudan, not the government conflict
    assert ids(743) == {418}           # United States vs al-Qaida
    none = links[links["match"].eq("none")]
    assert {198, 624} <= set(none["cwm_row"])  # Equatorial Guinea 1979 coup, South Korea 1948: no ACD conflict
    assert none["note"].str.contains("ACD").all()  # each says which ACD conflicts were considered


def test_draft_without_review_is_a_draft(sources):
    cwm, acd = sources
    draft = C.draft_cwm_links(cwm, acd, review=False)
    assert set(draft["cwm_row"]) == set(cwm["row"])
    assert "review" not in set(draft["basis"])
    # the name match alone cannot tell Herceg-Bosna from Republika Srpska: left to review
    assert set(draft.loc[draft["cwm_row"].eq(63), "match"]) == {"uncertain"}


def _write(tmp_path, rows, header=C.LINK_COLUMNS):
    p = tmp_path / C.LINKS_FILE
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    p.write_text(buf.getvalue(), encoding="utf-8")
    return p


GOOD = ["472", "Mozambique", "Renamo", "1976-01-01", "332", "exact", "country+sides+dates", "ACD 332", "Rome 1992"]


def _with(i, value):
    row = list(GOOD)
    row[i] = value
    return row


@pytest.mark.parametrize(
    "row, column, words",
    [
        (_with(5, "maybe"), "match", "not one of"),
        (_with(6, "guess"), "basis", "not one of"),
        (_with(4, "33x"), "conflict_id", "not a UCDP conflict id"),
        (_with(0, "row 4"), "cwm_row", "not a CWM row number"),
        (_with(7, ""), "source", "is empty"),
        (_with(4, ""), "conflict_id", "needs a conflict_id"),
        (_with(5, "none"), "conflict_id", "has no conflict_id"),
    ],
)
def test_bad_rows_name_file_column_row(tmp_path, row, column, words):
    p = _write(tmp_path, [GOOD, row] if row[0] != GOOD[0] or row[4] != GOOD[4] else [row])
    with pytest.raises(LinkTableError) as e:
        C.cwm_conflicts(p)
    msg = str(e.value)
    assert C.LINKS_FILE in msg and repr(column) in msg and words in msg and "row " in msg


def test_bad_tables(tmp_path, sources):
    with pytest.raises(LinkTableError, match="lacks column"):
        C.cwm_conflicts(_write(tmp_path, [GOOD[:-1]], C.LINK_COLUMNS[:-1]))
    with pytest.raises(LinkTableError, match="more than one row"):
        C.cwm_conflicts(_write(tmp_path, [GOOD, GOOD]))
    with pytest.raises(LinkTableError, match="basis 'none'"):
        C.cwm_conflicts(_write(tmp_path, [_with(6, "none")]))
    with pytest.raises(LinkTableError, match="no such file"):
        C.cwm_conflicts(tmp_path / "absent.csv")
    # a table that leaves CWM rows out is refused against CWM, listing them
    cwm, acd = sources
    with pytest.raises(LinkTableError, match="761 CWM row"):
        C.check_cwm_links(C.cwm_conflicts(_write(tmp_path, [GOOD])), cwm, acd)
