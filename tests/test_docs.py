"""The documentation site's generated pages (docs/hooks.py): complete and built from the package.

``make docs`` (run by ``.ci/run``) builds the whole site with ``mkdocs build --strict``; these
tests check, without a build, that the pages it generates cover every top-level name, every
public module, every registered dataset and every authored table of the project.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytest.importorskip("mkdocs")


@pytest.fixture(scope="module")
def hooks():
    spec = importlib.util.spec_from_file_location("peacestats_docs_hooks", ROOT / "docs" / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_page_lists_every_top_level_name_with_a_reference_link(hooks):
    import peacestats as ps

    page = hooks.api_page()
    for name in ps._LAZY:
        target = f"{getattr(ps, name).__module__}.{name}"
        assert f"| [`ps.{name}`][{target}] |" in page, name
    assert ":func:" not in page and "``" not in page  # reST turned into Markdown


def test_one_page_per_dataset_and_authored_table(hooks):
    from peacestats import registry
    from peacestats.project_data import PROJECT_DATA, describe

    pages = hooks._pages()
    for ds in registry.datasets():
        page = pages[f"datasets/{ds.key}.md"]
        assert page.startswith(f"# {ds.title}\n")
        for value in (ds.version, ds.sha256, ds.licence.replace("|", "\\|"), ds.citation.replace("|", "\\|")):
            assert value in page, (ds.key, value)
        assert "```bibtex\n@" in page
    for key in PROJECT_DATA:
        page = pages[f"datasets/{key}.md"]
        assert describe(key)["sha256"] in page and "```bibtex\n@" in page
    index = pages["datasets/index.md"]
    assert len(re.findall(r"^\| \[`", index, re.M)) == len(registry.keys()) + len(PROJECT_DATA)


def test_reference_covers_every_public_module(hooks):
    modules = hooks.public_modules()
    expected = {"peacestats", "peacestats.models.cox", "peacestats.report.html", "peacestats.sources.ucdp_acd"}
    assert expected <= set(modules)
    assert not [m for m in modules if any(p.startswith("_") for p in m.split("."))]
    src = ROOT / "src"
    on_disk = {".".join(p.relative_to(src).with_suffix("").parts) for p in src.rglob("*.py")}
    on_disk = {m.removesuffix(".__init__") for m in on_disk if not any(p.startswith("_") and p != "__init__"
                                                                       for p in m.split("."))}
    assert set(modules) == on_disk
    assert hooks.reference_page("peacestats.models.cox").splitlines()[2] == "::: peacestats.models.cox"


def test_navigation_names_every_generated_page(hooks):
    nav = hooks.on_config({"nav": [{"Home": "index.md"}]})["nav"]
    flat = re.findall(r"'([\w./-]+\.md)'", repr(nav))
    assert sorted(set(flat) - {"index.md"}) == sorted(hooks._pages())


def test_loader_docs_become_markdown(hooks):
    text = "Dataset page\n------------\nKey ``ucdp_acd``; see :func:`load`."
    assert hooks._rst_to_md(text) == "### Dataset page\nKey `ucdp_acd`; see `load`."


def test_top_level_names_come_from_public_modules():
    """Every ``ps.<name>`` is served by a public module (the reference has pages only for those;
    ``make docs --strict`` then checks each link resolves)."""
    import peacestats

    for name, module in peacestats._LAZY.items():
        assert not any(p.startswith("_") for p in module.split(".")), f"ps.{name} is served by private {module}"
        assert getattr(peacestats, name) is not None
