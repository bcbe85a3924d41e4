"""MkDocs hooks: the pages generated from the package at build time.

* ``api.md``: the top-level API (``import peacestats as ps``), one row per name of
  ``peacestats._LAZY`` with the first line of its docstring and a link into the reference;
* ``reference/<module>.md``: one page per public module, rendered by mkdocstrings from the
  numpy docstrings;
* ``datasets/<key>.md``: one page per registered source dataset (``registry.toml``: version,
  origin, licence, citation, the loader's dataset page) and per authored table of the project
  (``peacestats.project_data``), with their BibTeX.

The navigation of these pages is added to ``mkdocs.yml``'s ``nav`` in :func:`on_config`, so
the site lists every dataset and module without a hand-kept list.
"""

from __future__ import annotations

import inspect
import pkgutil
import re

from mkdocs.structure.files import File

import peacestats
from peacestats import registry
from peacestats.citations import cite
from peacestats.project_data import PROJECT_DATA, describe
from peacestats.sources import loader_doc

#: Reference sections: title -> module prefix (checked in order; the first match wins).
_GROUPS = (("Data and builds", ""), ("Sources", "peacestats.sources"), ("Harmonize", "peacestats.harmonize"),
           ("Models", "peacestats.models"), ("Reports", "peacestats.report"), ("Robustness", "peacestats.robustness"))
_API_GROUPS = (("Data", ""), ("Harmonize", "peacestats.harmonize"), ("Models", "peacestats.models"),
               ("Report", "peacestats.report"))


def _group(module: str, groups) -> str:
    found = groups[0][0]
    for title, prefix in groups[1:]:
        if module == prefix or module.startswith(prefix + "."):
            found = title
    return found


def public_modules() -> list[str]:
    """Every importable module of peacestats whose dotted path has no ``_private`` part."""
    names = ["peacestats"]
    for info in pkgutil.walk_packages(peacestats.__path__, "peacestats."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def _code(text: str) -> str:
    """reST roles (``:func:`x` ``) and literals (````x````) as Markdown code spans."""
    text = re.sub(r":\w+:`~?([^`]+)`", r"`\1`", text)
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def _summary(obj) -> str:
    """The first paragraph of ``obj``'s docstring, on one line."""
    return _code((inspect.getdoc(obj) or "").split("\n\n")[0].replace("\n", " ")).replace("|", "\\|")


def api_page() -> str:
    lines = ["# Top-level API", "",
             "`import peacestats as ps` is cheap: each name below loads its module on first use, and",
             "`dir(ps)` lists them. Each links to its full reference.", ""]
    by_group: dict[str, list[str]] = {}
    for name, module in sorted(peacestats._LAZY.items()):
        obj = getattr(peacestats, name)
        by_group.setdefault(_group(module, _API_GROUPS), []).append(
            f"| [`ps.{name}`][{obj.__module__}.{name}] | {_summary(obj)} |")
    for title, _ in _API_GROUPS:
        lines += [f"## {title}", "", "| name | what it does |", "|---|---|", *by_group[title], ""]
    return "\n".join(lines)


def reference_page(module: str) -> str:
    return f"# `{module}`\n\n::: {module}\n    options:\n      show_root_heading: false\n"


def _cell(value) -> str:
    return str(value).replace("|", "\\|")


def _rst_to_md(text: str) -> str:
    """A loader's reST-flavoured docstring as Markdown: code, roles, underlined headings."""
    text = _code(text)
    text = re.sub(r"^(\S[^\n]*)\n[-=~]{3,}$", r"### \1", text, flags=re.M)
    return text


def _bibtex(keys: list[str]) -> list[str]:
    return ["## Citation (BibTeX)", "", "```bibtex", cite(keys).strip(), "```", ""]


def dataset_page(key: str) -> str:
    ds = registry.get(key)
    rows = [("Key", f"`{ds.key}`"), ("Version", ds.version), ("Publisher", ds.publisher), ("Unit", ds.unit),
            ("Coverage", ds.coverage_label or "-"), ("Country codes", ds.code_system or "-"),
            ("File", f"`{ds.file}` ({ds.format}, {ds.size:,} bytes)"), ("sha256", f"`{ds.sha256}`"),
            ("Download", f"<{ds.url}>" if ds.url else "none: mirror only"),
            ("Homepage", f"<{ds.homepage}>" if ds.homepage else "-"),
            ("Origin", ds.origin), ("Licence", ds.licence), ("Citation", ds.citation)]
    lines = [f"# {ds.title}", "", ds.description, "",
             "| | |", "|---|---|", *[f"| {k} | {_cell(v)} |" for k, v in rows], "",
             f"Fetch it with `peacestats data fetch {key}`; load it with `ps.load(\"{key}\")`.", ""]
    doc = loader_doc(key)
    if doc:
        lines += ["## The loader's dataset page", "", _rst_to_md(doc), ""]
    return "\n".join(lines + _bibtex([key]))


def project_data_page(key: str) -> str:
    entry, info = PROJECT_DATA[key], describe(key)
    files = "\n".join(f"- `peacestats/resources/{f}`" for f in entry["files"])
    lines = [f"# {entry['title']}", "", "The project's own, authored data: shipped inside the package, not fetched.",
             "", "| | |", "|---|---|", f"| Key | `{key}` |", f"| Version | {info['version']} |",
             f"| sha256 (over the files, in order) | `{info['sha256']}` |",
             "| Licence | as peacestats (MIT) |", "", "## Files", "", files, ""]
    return "\n".join(lines + _bibtex([key]))


def datasets_index() -> str:
    lines = ["# Datasets", "", "Every source dataset of the registry (`src/peacestats/registry.toml`) and the",
             "project's authored tables. `peacestats data list` shows which are fetched.", "",
             "| key | dataset | version | unit | coverage |", "|---|---|---|---|---|"]
    for ds in registry.datasets():
        coverage = ds.coverage_label or "-"
        lines.append(f"| [`{ds.key}`]({ds.key}.md) | {ds.title} | {ds.version} | {ds.unit} | {coverage} |")
    for key, entry in PROJECT_DATA.items():
        lines.append(f"| [`{key}`]({key}.md) | {entry['title']} | peacestats {peacestats.__version__} | authored | - |")
    return "\n".join(lines) + "\n"


def _pages() -> dict[str, str]:
    pages = {"api.md": api_page(), "datasets/index.md": datasets_index()}
    pages.update({f"datasets/{k}.md": dataset_page(k) for k in registry.keys()})
    pages.update({f"datasets/{k}.md": project_data_page(k) for k in PROJECT_DATA})
    pages.update({f"reference/{m}.md": reference_page(m) for m in public_modules()})
    return pages


def on_config(config):
    """Add the generated pages to the navigation."""
    reference: dict[str, list] = {}
    for m in public_modules():
        reference.setdefault(_group(m, _GROUPS), []).append({m: f"reference/{m}.md"})
    nav = list(config["nav"])
    nav.append({"Top-level API": "api.md"})
    nav.append({"Reference": [{title: reference[title]} for title, _ in _GROUPS if title in reference]})
    datasets = [{k: f"datasets/{k}.md"} for k in [*registry.keys(), *PROJECT_DATA]]
    nav.append({"Datasets": ["datasets/index.md", *datasets]})
    config["nav"] = nav
    return config


def on_files(files, config):
    """Add the generated pages (written into the site, never into docs/)."""
    for path, content in _pages().items():
        files.append(File.generated(config, path, content=content))
    return files

