"""The dataset registry and citations: complete, consistent with the shared data manifest, valid BibTeX."""

from __future__ import annotations

import json
import re

import pytest

from peacestats import registry
from peacestats.citations import METHOD_CITATIONS, _entries, cite
from peacestats.errors import UnknownDatasetError

REQUIRED = ["key", "title", "version", "publisher", "description", "unit", "format", "file",
            "sha256", "size", "origin", "mirror_path", "licence", "citation"]

# The sources the foundation issue names; every one must be registered.
REQUIRED_KEYS = {
    "ucdp_acd", "ucdp_term_conflict", "ucdp_term_dyad", "ucdp_peace_agreements", "kathman_pko",
    "kathman_cmps_totals", "un_dpo_missions", "geo_pko", "gw_states", "cow_states", "polity5",
    "gleditsch_gdp", "maddison", "creg", "hief", "rugged", "fortna_ceasefires", "doyle_sambanis",
    "hks2013",
}


def test_every_required_source_is_registered():
    assert REQUIRED_KEYS <= set(registry.keys())


@pytest.mark.parametrize("ds", registry.datasets(), ids=lambda d: d.key)
def test_entry_is_complete(ds):
    for f in REQUIRED:
        assert getattr(ds, f) not in (None, ""), f"{ds.key}: {f} is empty"
    assert re.fullmatch(r"[0-9a-f]{64}", ds.sha256)
    assert ds.format in {"csv", "tab", "xlsx", "xls", "dta", "rda"}
    assert ds.file == ds.mirror_path.split("/")[-1]
    assert ds.bibtex, f"{ds.key} has no BibTeX keys"
    if ds.url:
        assert ds.url.startswith("https://")
    if ds.coverage:
        assert ds.coverage[0] <= ds.coverage[1]
    assert ds.code_system in {None, "gw", "cow", "iso3"}
    # the original format, not the converted CSV copies the mirror also holds
    assert "derived" not in ds.origin.lower()


def test_registry_matches_the_shared_manifest(mirror):
    """Each registered file is in the mirror's manifest with the same sha256 and size."""
    manifest = json.loads((mirror / "manifest.json").read_text())
    by_file = {f["file"]: f for f in manifest["files"]}
    for ds in registry.datasets():
        entry = by_file[ds.mirror_path]
        assert entry["sha256"] == ds.sha256, ds.key
        assert entry["bytes"] == ds.size, ds.key
        assert entry.get("derived_from") in (None, ""), f"{ds.key} points at a derived CSV copy"


def test_unknown_key_suggests_close_keys():
    with pytest.raises(UnknownDatasetError, match="Did you mean ucdp_acd"):
        registry.get("ucdp_acdd")


def test_every_bibtex_key_resolves():
    entries = _entries()
    for ds in registry.datasets():
        for k in ds.bibtex:
            assert k in entries, f"{ds.key}: {k} missing from citations.bib"
    for name, keys in METHOD_CITATIONS.items():
        for k in keys:
            assert k in entries, f"method {name}: {k} missing from citations.bib"


def test_cite_prints_valid_bibtex():
    from pybtex.database import parse_string

    text = cite(["ucdp_acd"])
    db = parse_string(text, "bibtex")
    assert set(db.entries) == {"gleditsch2002armed", "davies2025organized"}
    e = db.entries["gleditsch2002armed"]
    assert e.fields["year"] == "2002"
    assert e.fields["journal"] == "Journal of Peace Research"
    assert [str(p) for p in e.persons["author"]][0] == "Gleditsch, Nils Petter"


def test_whole_bibliography_parses_and_every_entry_has_author_title_year():
    from pybtex.database import parse_string

    from peacestats.project_data import PROJECT_DATA

    everything = list(registry.keys()) + list(METHOD_CITATIONS) + list(PROJECT_DATA)
    db = parse_string(cite(everything), "bibtex")
    assert len(db.entries) == len(_entries())  # every entry in the file is used by something
    for key, e in db.entries.items():
        assert "title" in e.fields and "year" in e.fields, key
        assert e.persons.get("author") or e.persons.get("editor") or "organization" in e.fields, key


def test_cite_deduplicates_in_order_of_first_use():
    text = cite(["gw_states", "rugged", "coxph"])
    keys = re.findall(r"^@\w+\{([^,]+),", text, flags=re.M)
    assert keys[:2] == ["gleditsch1999revised", "miller2022peacesciencer"]
    assert keys.count("miller2022peacesciencer") == 1
    assert keys[-2:] == ["cox1972regression", "therneau2000modeling"]
