# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Three missions up close: UNTAC (Cambodia), the MFO (Sinai) and AMISOM (Somalia)
#
# Per country: a timeline of armed-conflict episodes (with their yearly intensity), peace
# spells, peace agreements, peace operations and UN personnel by month, and a table of the
# peace spells of the country's conflicts. Everything comes from the project's harmonized
# tables (`peacestats build`) and the UCDP peace agreement loader; nothing is estimated.
# Writes `reports/case_studies.html`. Run from the repository root:
# `.venv/bin/python analyses/case_studies.py`.

# %%
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from peacestats.build import read_table
from peacestats.harmonize.episodes import CONFLICT_TYPES
from peacestats.report.html import Report
from peacestats.sources import load

CASES = [
    {"slug": "cambodia", "gwcode": 811, "country": "Cambodia", "mission": "UNTAC"},
    {"slug": "egypt", "gwcode": 651, "country": "Egypt", "mission": "MFO (Sinai)"},
    {"slug": "somalia", "gwcode": 520, "country": "Somalia", "mission": "AMISOM"},
]
KATHMAN_START, KATHMAN_END = pd.Timestamp("1990-01-01"), pd.Timestamp("2019-12-01")  # monthly personnel
PERSONNEL_WINDOW = (pd.Timestamp("1989-01-01"), pd.Timestamp("2025-01-01"))
COLORS = {"minor": "#fdae61", "war": "#d7191c", "UN": "#4575b4", "non-UN": "#8073ac", "spell": "#1a9850",
          "troops": "#4575b4", "police": "#74add1", "observers": "#abd9e9", "total": "#636363"}

# %%
episodes = read_table("episodes")
deployment = read_table("deployment")
spells = read_table("spells")
missions = read_table("missions")
mission_months = read_table("mission_months")
links = read_table("mission_conflicts")
acd = load("ucdp_acd")
agreements = load("ucdp_peace_agreements")
acd_end = pd.Timestamp(f"{int(acd['year'].max())}-12-31")

rep = Report(
    "case_studies",
    title="Three missions up close: UNTAC (Cambodia), the MFO (Sinai) and AMISOM (Somalia)",
    question="What do the harmonized data record about conflict, peace operations, agreements and "
    "peace spells in three countries with very different missions, and where are they silent?",
    datasets=["ucdp_acd", "ucdp_term_conflict", "ucdp_peace_agreements", "kathman_pko", "un_dpo_missions",
              "mullenbach_tppm", "gw_states", "cow_states", "peacestats_missions", "peacestats_mission_links"],
    methods=[],
)


# %% [markdown]
# Helpers: runs of consecutive months, the rows of one country.

# %%
def month_runs(months) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Runs of consecutive month starts as (first month, first month after the run)."""
    ms = sorted(pd.DatetimeIndex(months).unique())
    runs: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    for m in ms:
        if runs and runs[-1][1] == m:
            runs[-1] = (runs[-1][0], m + pd.offsets.MonthBegin(1))
        else:
            runs.append((m, m + pd.offsets.MonthBegin(1)))
    return runs


def fmt_runs(runs) -> str:
    """'1992-05 to 1992-07; 2020-01 to 2024-12' (inclusive months)."""
    parts = []
    for a, b in runs:
        last = b - pd.offsets.MonthBegin(1)
        parts.append(a.strftime("%Y-%m") if a == last else f"{a:%Y-%m} to {last:%Y-%m}")
    return "; ".join(parts)


def n_months(runs) -> int:
    return sum((b.year - a.year) * 12 + b.month - a.month for a, b in runs)


def country_data(code: int) -> dict:
    """Everything the figure, table and text of one country need."""
    ep = episodes[episodes["gwno_loc"].map(lambda c: code in list(c))].copy()
    conflicts = (ep.sort_values("start_date").drop_duplicates("conflict_id", keep="last")
                 .sort_values("start_date", kind="stable"))
    cids = conflicts["conflict_id"].tolist()
    years = acd[acd["conflict_id"].isin(cids)].copy()
    sp = spells[spells["conflict_id"].isin(cids)].copy()
    dep = deployment[deployment["gwcode"] == code].sort_values("date").reset_index(drop=True)
    pa = agreements[agreements["conflict_id"].map(lambda c: bool(set(c) & set(cids)))
                    | agreements["gwno"].map(lambda g: code in list(g))].sort_values(["pa_date", "paid"])
    # mission presence runs, one entry per mission acronym
    pres = []
    for col, org in (("un_missions", "UN"), ("non_un_missions", "non-UN")):
        m = dep[["date", col]].dropna()
        m = m.assign(mission=m[col].str.split("; ")).explode("mission")
        m = m[m["mission"].fillna("").str.len() > 0]
        for name, g in m.groupby("mission", sort=False):
            pres.append({"mission": name, "org": org, "runs": month_runs(g["date"])})
    pres.sort(key=lambda d: (d["runs"][0][0], d["mission"]))
    return {"episodes": ep, "conflicts": conflicts, "years": years, "spells": sp, "deployment": dep,
            "agreements": pa, "presence": pres}


# %% [markdown]
# The timeline figure.

# %%
def short(s: str, n: int = 38) -> str:
    s = str(s)
    return s if len(s) <= n else s[: n - 1] + "\u2026"


def month_bars(ax, months: pd.DatetimeIndex, height: np.ndarray, bottom: np.ndarray, *, color: str, label: str,
               width: float = 28.0) -> None:
    """Bars ``width`` days wide from each month start, drawn as one collection (one artist, not one per month).

    Draws what ``ax.bar(months, height, width=width, bottom=bottom, align="edge", lw=0)`` draws, without
    the empty (zero-height) bars; the legend shows a filled box, as for ``ax.bar``.
    """
    keep = np.asarray(height, dtype=float) != 0
    x0 = mdates.date2num(months[keep])
    y0 = np.asarray(bottom, dtype=float)[keep]
    y1 = y0 + np.asarray(height, dtype=float)[keep]
    verts = np.stack([np.c_[x0, y0], np.c_[x0 + width, y0], np.c_[x0 + width, y1], np.c_[x0, y1]], axis=1)
    ax.add_collection(PolyCollection(verts, facecolors=color, linewidths=0, label=label), autolim=False)


def year_ticks(axis, base: int) -> None:
    """Ticks every ``base`` years labelled ``%Y``, computed once for the axis's final limits.

    Draws what ``mdates.YearLocator(base)`` with ``mdates.DateFormatter("%Y")`` draw. A figure
    is laid out, measured and drawn a few dozen times per file, and those walk a dateutil
    rule and format every label each time; their ticks and labels for these fixed limits,
    held by a ``FixedLocator`` and a ``FixedFormatter``, are computed once. Call after the
    last change to the limits.
    """
    locator = mdates.YearLocator(base)
    axis.set_major_locator(locator)
    ticks = locator()
    axis.set_major_locator(mticker.FixedLocator(ticks))
    axis.set_major_formatter(mticker.FixedFormatter(mdates.DateFormatter("%Y").format_ticks(ticks)))


def timeline(case: dict, d: dict):
    code = case["gwcode"]
    conflicts, years, dep = d["conflicts"], d["years"], d["deployment"]
    pres = d["presence"]
    starts = [d["episodes"]["start_date"].min()] + [p["runs"][0][0] for p in pres]
    x0 = pd.Timestamp(year=min(s.year for s in starts) - 2, month=1, day=1)
    x1 = pd.Timestamp("2026-01-01")

    # report width (60rem, about 960 px): a figure about 8.5 in wide at 150 dpi is shown at three
    # quarters of its size, so 8-9 pt text stays readable; legends go below their panel, not beside it
    top = max(3.0, 0.42 * (len(conflicts) + len(pres)) + 0.8)
    fig = plt.figure(figsize=(8.5, top + 2.3 + 3.2), layout="constrained")
    gs = fig.add_gridspec(2, 1, height_ratios=[top + 1.3, 2.3 + 0.9])
    ax = fig.add_subplot(gs[0])
    axp = fig.add_subplot(gs[1])

    # --- conflicts: one row each, top to bottom
    rows = {}
    labels = []
    for i, (_, c) in enumerate(conflicts.iterrows()):
        y = -i
        rows[c["conflict_id"]] = y
        labels.append((y, f"#{c['conflict_id']} vs {short(c['side_b'], 30)} "
                          f"({CONFLICT_TYPES.get(int(c['type_of_conflict']), '?')})"))
        # active conflict-years coloured by intensity, clipped to the episode's start and end
        for _, r in years[years["conflict_id"] == c["conflict_id"]].iterrows():
            a = max(pd.Timestamp(f"{r['year']}-01-01"), r["start_date2"])
            ended = r["ep_end"] == 1 and pd.notna(r["ep_end_date"])
            b = r["ep_end_date"] if ended else pd.Timestamp(f"{r['year']}-12-31")
            b = max(b, a + pd.Timedelta(days=20))  # a few days' war stays visible
            col = COLORS["war"] if r["intensity_level"] == 2 else COLORS["minor"]
            ax.add_patch(Rectangle((mdates.date2num(a), y - 0.18), mdates.date2num(b) - mdates.date2num(a), 0.36,
                                   color=col, lw=0))
        for _, e in d["episodes"][d["episodes"]["conflict_id"] == c["conflict_id"]].iterrows():
            end = e["end_date"] if pd.notna(e["end_date"]) else acd_end
            ax.add_patch(Rectangle((mdates.date2num(e["start_date"]), y - 0.2),
                                   max(mdates.date2num(end) - mdates.date2num(e["start_date"]), 20), 0.4,
                                   fill=False, ec="black", lw=0.6))
    # peace spells under their conflict's row
    for _, s in d["spells"].iterrows():
        y = rows[s["conflict_id"]] - 0.32
        ax.plot([s["start_date"], s["stop_date"]], [y, y], color=COLORS["spell"], lw=1.6, solid_capstyle="butt")
        failed = s["failed"] == 1
        ax.plot([s["stop_date"]], [y], marker="x" if failed else ">", color="black" if failed else COLORS["spell"],
                ms=6 if failed else 4, mew=1.5)
    # peace agreements: numbered diamonds on their conflict's row
    for k, (_, a) in enumerate(d["agreements"].iterrows(), start=1):
        cid = next((c for c in a["conflict_id"] if c in rows), None)
        if cid is None:
            continue
        y = rows[cid]
        ax.plot([a["pa_date"]], [y + 0.3], marker="D", color="black", ms=5)
        ax.annotate(str(k), (mdates.date2num(a["pa_date"]), y + 0.3), xytext=(0, 4 + 7 * ((k - 1) % 3)),
                    textcoords="offset points", ha="center", fontsize=7)
    # missions: one row each, below the conflicts
    y0 = -len(conflicts) - 0.3
    for j, p in enumerate(pres):
        y = y0 - j
        col = COLORS[p["org"]]
        for a, b in p["runs"]:
            ax.add_patch(Rectangle((mdates.date2num(a), y - 0.2), mdates.date2num(b) - mdates.date2num(a), 0.4,
                                   color=col, lw=0))
        bold = p["mission"] == case["mission"].split(" (")[0]
        labels.append((y, f"{p['mission']} ({p['org']} operation)" + ("  \u25c0" if bold else "")))
    ax.axhline(-len(conflicts) + 0.35, color="#999999", lw=0.6)
    ax.set_yticks([y for y, _ in labels], [t for _, t in labels], fontsize=8.5)
    ax.set_ylim(y0 - max(len(pres), 1) + 0.4, 0.75)
    ax.set_xlim(x0, x1)
    year_ticks(ax.xaxis, 10 if (x1.year - x0.year) > 45 else 5)
    ax.axvline(acd_end, color="#999999", ls=":", lw=0.8)
    ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"{case['country']} (GW {code}): armed conflicts, peace spells, agreements and peace operations",
                 fontsize=11)
    handles = [
        Patch(color=COLORS["minor"], label="active year, minor (25-999 deaths)"),
        Patch(color=COLORS["war"], label="active year, war (1,000+)"),
        Patch(fill=False, ec="black", lw=0.6, label="episode (UCDP start and end dates)"),
        Line2D([], [], color=COLORS["spell"], lw=1.6, marker=">", ms=4, label="peace spell (\u25b6 censored)"),
        Line2D([], [], color="black", lw=0, marker="x", ms=6, mew=1.5, label="peace spell failed"),
        Line2D([], [], color="black", lw=0, marker="D", ms=5, label="peace agreement (numbered as in the table)"),
        Patch(color=COLORS["UN"], label="UN operation present"),
        Patch(color=COLORS["non-UN"], label="non-UN operation present"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), borderaxespad=2.0, ncol=2,
              fontsize=8.5, frameon=False)

    # --- UN personnel by month (Kathman), with what the data cannot say
    idx = pd.date_range(*PERSONNEL_WINDOW, freq="MS", inclusive="left")
    m = dep.set_index("date").reindex(idx)
    present = m["un_present"].fillna(0).astype(int) == 1
    troops = m["un_troops"].astype(float)
    police = m["un_police"].astype(float)
    obs = m["un_observers"].astype(float)
    total = m["un_total"].astype(float)
    split = troops.notna() & police.notna() & obs.notna()
    total_only = present & ~split & total.notna()
    silent = present & total.isna()
    bottom = np.zeros(len(idx))
    for name, s in (("troops", troops), ("police", police), ("observers", obs)):
        h = np.where(split, s.fillna(0).to_numpy(), 0.0)
        month_bars(axp, idx, h, bottom, color=COLORS[name], label=f"UN {name}")
        bottom = bottom + h
    if total_only.any():
        month_bars(axp, idx[total_only.to_numpy()], total[total_only].to_numpy(), np.zeros(int(total_only.sum())),
                   color=COLORS["total"], label="UN total only (no breakdown reported)")
    for a, b in month_runs(idx[silent.to_numpy()]):
        axp.axvspan(a, b, facecolor="none", edgecolor="#969696", hatch="////", lw=0)
    # series too small to see at this scale get a label (periods of recorded months, gaps <= 3 months merged)
    ymax = float(np.nanmax(np.r_[bottom, total[total_only].to_numpy(), 1.0]))
    periods: list[list[pd.Timestamp]] = []
    for a, b in month_runs(idx[(present & total.notna()).to_numpy()]):
        if periods and (a - periods[-1][1]).days <= 92:
            periods[-1][1] = b
        else:
            periods.append([a, b])
    for a, b in periods:
        sel = (idx >= a) & (idx < b)
        peak = float(total[sel].max())
        if peak < 0.05 * ymax:
            labels_here = m.loc[sel & present.to_numpy(), "un_missions"].dropna()
            names = sorted({x for v in labels_here for x in v.split("; ") if x})
            axp.annotate(f"{'; '.join(names)}: up to {peak:,.0f}", (mdates.date2num(a + (b - a) / 2), peak),
                         xytext=(0, 12), textcoords="offset points", ha="center", fontsize=7,
                         arrowprops={"arrowstyle": "-", "color": "#636363", "lw": 0.6})
    non_un = m["non_un_present"].fillna(0).astype(int) == 1
    for a, b in month_runs(idx[non_un.to_numpy()]):
        axp.axvspan(a, b, ymin=0, ymax=0.06, color=COLORS["non-UN"], alpha=0.8, lw=0)
    axp.axvspan(PERSONNEL_WINDOW[0], KATHMAN_START, color="#f0f0f0", zorder=0)
    axp.axvspan(KATHMAN_END + pd.offsets.MonthBegin(1), PERSONNEL_WINDOW[1], color="#f0f0f0", zorder=0)
    axp.set_xlim(*PERSONNEL_WINDOW)
    axp.set_ylim(0, ymax * 1.18)
    axp.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    year_ticks(axp.xaxis, 4)
    axp.tick_params(axis="x", labelsize=8)
    axp.set_ylabel("UN personnel (persons)")
    axp.set_title("UN personnel by month (Kathman, 1990-2019; grey background: not covered)", fontsize=10, loc="left")
    axp.grid(axis="y", alpha=0.3)
    h2, _ = axp.get_legend_handles_labels()
    h2 += [Patch(facecolor="none", edgecolor="#969696", hatch="////", label="UN present, personnel not recorded"),
           Patch(color=COLORS["non-UN"], label="non-UN operation present (no personnel data)")]
    axp.legend(handles=h2, loc="upper center", bbox_to_anchor=(0.5, 0.0), borderaxespad=2.0, ncol=2,
               fontsize=8.5, frameon=False)
    return fig, {"split": split, "total_only": total_only, "silent": silent, "total": total, "present": present,
                 "idx": idx}


# %% [markdown]
# The spells table and the per-country text.

# %%
def spells_table(code: int, d: dict) -> pd.DataFrame:
    sp = spells[spells["gwno_loc_primary"] == code].sort_values(["start_date", "conflict_id"])
    dep = d["deployment"]
    out = []
    for _, s in sp.iterrows():
        during = dep[(dep["date"] >= s["start_date"].to_period("M").to_timestamp()) & (dep["date"] <= s["stop_date"])]
        un = sorted({x for v in during.loc[during["un_present"] == 1, "un_missions"] for x in str(v).split("; ") if x})
        non_un = sorted({x for v in during.loc[during["non_un_present"] == 1, "non_un_missions"]
                         for x in str(v).split("; ") if x})
        outcome = s["ep_outcome_label"]
        out.append({
            "spell_id": int(s["spell_id"]),
            "conflict_id": int(s["conflict_id"]),
            "conflict": f"{s['ep_location']}: {s['ep_side_b']}",
            "side_b": s["ep_side_b"],
            "start": s["start_date"].strftime("%Y-%m-%d"),
            "stop": s["stop_date"].strftime("%Y-%m-%d"),
            "failed": int(s["failed"]),
            "duration_days": int(s["duration_days"]),
            "duration_years": f"{s['duration_days'] / 365.25:.1f}",
            "termination_outcome": str(outcome) if pd.notna(outcome) else "not coded (UCDP termination data end 2020)",
            "operations_in_country_during_spell": "; ".join(un + non_un) if (un or non_un) else "none",
        })
    return pd.DataFrame(out, columns=["spell_id", "conflict_id", "conflict", "side_b", "start", "stop", "failed",
                                      "duration_days", "duration_years", "termination_outcome",
                                      "operations_in_country_during_spell"])


def spells_with(st: pd.DataFrame, mission: str, exclude: int) -> str:
    """The other conflicts in whose peace spells ``mission`` is present, as text."""
    rows = st[(st["conflict_id"] != exclude)
              & st["operations_in_country_during_spell"].map(lambda v: mission in v.split("; "))]
    if rows.empty:
        return "no other conflict"
    items = []
    for cid, g in rows.groupby("conflict_id", sort=False):
        sides = " / ".join(dict.fromkeys(g["side_b"]))
        n = len(g)
        items.append(f"#{cid} (vs {sides}; {n} spell{'s' if n > 1 else ''}, from {g['start'].min()})")
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]


def months_inside(starts: pd.Series, stops: pd.Series, lo: pd.DatetimeIndex, hi: pd.DatetimeIndex) -> int:
    """How many months (given by ``lo`` and ``hi``) have some interval with ``start <= lo`` and ``stop >= hi``.

    One comparison of every month with every interval (months x intervals booleans): a few hundred
    months and a handful of intervals per (operation, conflict). A missing date compares false.
    """
    a, b = starts.to_numpy(), stops.to_numpy()
    hit = (a[None, :] <= lo.to_numpy()[:, None]) & (b[None, :] >= hi.to_numpy()[:, None])
    return int(hit.any(axis=1).sum())


def linked_table(code: int, d: dict) -> pd.DataFrame:
    """Each operation in the country and the conflicts it was sent for, with where its months fall.

    For every (operation, linked conflict): the months the operation was deployed in the country, and how
    many of them lie inside an active episode of that conflict, inside one of its peace spells, or in
    neither (before its first episode, or after the data's end).
    """
    mm = mission_months[(mission_months["gwcode"] == code) & mission_months["kind"].eq("peacekeeping")]
    ep, sp = d["episodes"], d["spells"]
    names = dict(zip(missions["mission_id"], missions["mission_name"]))
    rows = []
    for mid, g in mm.groupby("mission", sort=False):
        months = pd.DatetimeIndex(sorted(g["date"].unique()))
        month_end = months + pd.offsets.MonthEnd(0)
        lk = links[links["mission_id"] == mid]
        for r in lk.itertuples(index=False):
            cid = r.conflict_id
            row = {"operation": mid, "name": short(names.get(mid, mid), 60), "deployed": fmt_runs(month_runs(months)),
                   "months": len(months), "conflict": "none" if pd.isna(cid) else int(cid), "link": r.link}
            if pd.notna(cid):
                e = ep[ep["conflict_id"] == cid]
                s2 = sp[sp["conflict_id"] == cid]
                row.update({
                    # the month overlaps an episode / lies wholly inside a spell
                    "months in an active episode": months_inside(e["start_date"], e["end_date"].fillna(acd_end),
                                                                 month_end, months),
                    "months in a peace spell": months_inside(s2["start_date"], s2["stop_date"], months, month_end),
                })
            rows.append(row)
    out = pd.DataFrame(rows)
    if len(out):
        out = out.sort_values(["months", "operation"], ascending=[False, True], kind="stable")
        for c in ("months in an active episode", "months in a peace spell"):
            if c in out:
                out[c] = out[c].astype("Int64")
    return out.reset_index(drop=True)


def agreements_table(d: dict) -> pd.DataFrame:
    pa = d["agreements"]
    return pd.DataFrame({
        "number": range(1, len(pa) + 1),
        "paid": pa["paid"].astype(int).to_numpy(),
        "signed": pa["pa_date"].dt.strftime("%Y-%m-%d").to_numpy(),
        "agreement": pa["pa_name"].map(lambda s: short(s, 70)).to_numpy(),
        "conflict_id": pa["conflict_id"].map(lambda c: ", ".join(map(str, c))).to_numpy(),
        "ceasefire": pa["cease"].astype(int).to_numpy(),
        "peacekeeping_provision": pa["pko"].astype(int).to_numpy(),
        "ended": pa["ended"].map(lambda v: "NA" if pd.isna(v) else ("yes" if v else "no")).to_numpy(),
    })


def mission_text(case: dict, d: dict, pf: dict) -> str:
    """Facts about the case mission and the personnel series, computed from the tables."""
    name = case["mission"].split(" (")[0]
    row = missions[missions["mission_id"] == name].iloc[0]
    if row["ongoing"]:
        end = "ongoing"
    else:
        end = row["end_date"].strftime("%Y-%m-%d") if pd.notna(row["end_date"]) else "unknown"
    mtype = row["mission_type"] if pd.notna(row["mission_type"]) else "not coded"
    lines = [
        f"**{name}** ({row['mission_name']}; {row['organization']}): in the mission table from "
        f"{row['start_date']:%Y-%m-%d} to {end}, type *{mtype}*, "
        f"Chapter VII: {'not coded' if pd.isna(row['chapter_vii']) else ('yes' if bool(row['chapter_vii']) else 'no')}."
    ]
    p = next((x for x in d["presence"] if x["mission"] == name), None)
    if p is not None:
        lines.append(f"The deployment panel places it in GW {case['gwcode']} in {n_months(p['runs'])} months "
                     f"({fmt_runs(p['runs'])}).")
    dep = d["deployment"]
    with_total = dep[dep["un_total"].notna() & (dep["un_present"] == 1)]
    if len(with_total):
        peak = with_total.loc[with_total["un_total"].astype(float).idxmax()]
        lines.append(f"UN personnel in GW {case['gwcode']} (all UN operations, Kathman): recorded in {len(with_total)} "
                     "months; the peak is "
                     f"{float(peak['un_total']):,.0f} persons in {peak['date']:%Y-%m} ({peak['un_missions']}).")
    silent = pf["silent"]
    if silent.any():
        runs = month_runs(pf["idx"][silent.to_numpy()])
        lines.append(f"A UN operation is present but **no personnel figure exists** in {n_months(runs)} months of "
                     f"1989-2024: {fmt_runs(runs)}.")
    if pf["total_only"].any():
        runs = month_runs(pf["idx"][pf["total_only"].to_numpy()])
        lines.append(f"Only a total (no split into troops, police and observers) in {fmt_runs(runs)}.")
    non_un = [x for x in d["presence"] if x["org"] == "non-UN"]
    if non_un:
        lines.append("Non-UN operations (**presence only; the project has no monthly personnel for them**): "
                     + "; ".join(f"{x['mission']} {fmt_runs(x['runs'])}" for x in non_un) + ".")
    return " ".join(lines)


def conflict_text(code: int, d: dict) -> str:
    c = d["conflicts"]
    ep = d["episodes"]
    war_years = d["years"][d["years"]["intensity_level"] == 2]
    other_primary = c[c["gwno_loc_primary"] != code]
    ongoing = ep[ep["ongoing"]]
    txt = (f"UCDP/PRIO ACD records {len(c)} armed conflicts located (wholly or partly) in GW {code}, with "
           f"{len(ep)} episodes and {d['years']['year'].size} active conflict-years, {len(war_years)} of them at "
           "war intensity (1,000+ battle deaths).")
    if len(ongoing):
        txt += (" Still active at the end of ACD coverage (" + f"{acd_end:%Y-%m-%d}): "
                + ", ".join(f"#{r.conflict_id} (since {r.start_date:%Y-%m-%d})" for r in ongoing.itertuples()) + ".")
    if len(other_primary):
        txt += (" The figure also shows conflicts whose *primary* location is another country (" +
                ", ".join(f"#{r.conflict_id}: GW {r.gwno_loc_primary}" for r in other_primary.itertuples()) +
                "); their peace spells belong to that country and are not in the table below.")
    return txt


# %% [markdown]
# ## Report

# %%
rep.text(
    "## The question\n"
    "Cross-national models (see the other reports) ask whether peace operations make peace last. "
    "This report looks at three very different operations in their countries' conflict histories, to "
    "see what the harmonized data record and where they are silent: **UNTAC** in Cambodia, a large "
    "multidimensional UN operation after a peace agreement; the **MFO** in the Sinai, a non-UN "
    "observer force set up by Egypt, Israel and the United States; and **AMISOM** in Somalia, an "
    "African Union enforcement operation deployed during an ongoing war.\n\n"
    "## Data used\n"
    f"- Conflict episodes: `read_table(\"episodes\")` ({len(episodes):,} episodes), built from UCDP/PRIO "
    f"ACD 25.1 ({len(acd):,} conflict-years, to {acd_end:%Y}) with outcomes from UCDP Conflict "
    "Termination; yearly intensity from the ACD conflict-years.\n"
    f"- Peace spells: `read_table(\"spells\")` ({len(spells):,} spells; conflict-level recurrence, censored "
    f"at {acd_end:%Y-%m-%d}); the tables list the spells whose `gwno_loc_primary` is the country.\n"
    f"- Peace operations: `read_table(\"deployment\")` ({len(deployment):,} host-months): presence of UN and "
    "non-UN operations from the project's mission tables and monthly UN troops, police and observers from "
    "Kathman (2013; version 12-2019, January 1990 to December 2019), multi-host missions split equally "
    "among hosts.\n"
    f"- Peace agreements: UCDP Peace Agreement Dataset 22.1 ({len(agreements)} agreements, "
    f"{agreements['pa_date'].min():%Y}-{agreements['pa_date'].max():%Y}), matched by conflict id or country.\n\n"
    "## Methods\n"
    "Descriptive only: nothing is estimated. Each timeline draws every conflict whose location includes "
    "the country, its active years coloured by ACD intensity inside UCDP's episode dates, the peace "
    "spells that follow, the agreements on the conflict's row, one row per operation present, and UN "
    "personnel by month. A month in which an operation is present but no personnel figure exists is "
    "hatched, not drawn as zero."
)

summary_rows = []
for case in CASES:
    code = case["gwcode"]
    d = country_data(code)
    fig, pf = timeline(case, d)
    st = spells_table(code, d)
    at = agreements_table(d)
    rep.text(f"## {case['country']} (GW {code}): {case['mission']}\n" + conflict_text(code, d) + "\n\n"
             + mission_text(case, d, pf))
    rep.figure(
        f"timeline_{case['slug']}",
        fig,
        caption=f"{case['country']} (GW {code}): conflict episodes and their yearly intensity (UCDP/PRIO ACD 25.1), "
        "peace spells (green; x = the conflict resumed, triangle = still at peace at the end of 2024), peace "
        "agreements (UCDP PA 22.1, numbered), peace operations present (project mission tables), and UN personnel by "
        "month (Kathman 12-2019; hatched: a UN operation is present but its personnel are not recorded; purple "
        "strip: a non-UN operation is present, for which there are no personnel data).",
    )
    rep.table(
        f"spells_{case['slug']}",
        st.drop(columns="side_b"),
        caption=f"{case['country']}: peace spells of conflicts with primary location GW {code} (start = the "
        "episode's end; failed = the same conflict became active again; termination outcome = how the "
        "preceding episode ended, UCDP Conflict Termination)",
    )
    lt = linked_table(code, d)
    if len(lt):
        rep.table(f"linked_{case['slug']}", lt,
                  caption=f"{case['country']}: each peacekeeping operation deployed there, the conflicts it was sent "
                  "for (project link table: sent_for, uncertain or none), and where its months fall for that "
                  "conflict: in an active episode, in a peace spell (where linked presence counts), or neither")
    if len(at):
        rep.table(f"agreements_{case['slug']}", at,
                  caption=f"{case['country']}: peace agreements in its conflicts (UCDP PA 22.1); ended = UCDP's "
                  "`ended` (NA: left blank by UCDP)")
    else:
        rep.text(f"**Peace agreements:** UCDP PA 22.1 lists none for {case['country']}'s conflicts or for GW {code}.")
    summary_rows.append({
        "country": case["country"], "gwcode": code, "mission": case["mission"],
        "conflicts": int(len(d["conflicts"])), "episodes": int(len(d["episodes"])),
        "spells": int(len(st)), "failed": int(st["failed"].sum()) if len(st) else 0,
        "agreements": int(len(at)),
        "months_un_personnel_recorded": int((pf["present"] & pf["total"].notna()).sum()),
        "months_un_present_no_personnel": int(pf["silent"].sum()),
        "months_non_un_present": int(sum(n_months(p["runs"]) for p in d["presence"] if p["org"] == "non-UN")),
    })
    # case-specific context that the tables cannot say by themselves; the lists are computed
    if code == 811:
        others = spells_with(st, "UNTAC", exclude=300)
        untac = lt[(lt["operation"] == "UNTAC") & (lt["conflict"] == 300)].iloc[0]
        rep.text(
            "*Reading the Cambodia timeline.* The Paris Agreement of 23 October 1991 (agreement 1) includes a "
            "peacekeeping provision; UNAMIC and then UNTAC follow within months. UNTAC was sent for conflict 300, "
            "the Khmer Rouge war (S/RES/745 (1992)), and the table above places it in that war's timeline: "
            f"of its {untac['months']} months in Cambodia, {untac['months in an active episode']} fall inside "
            "UCDP's second episode of conflict 300, which runs on through the deployment and ends only on "
            f"3 October 1998 (a government victory), and {untac['months in a peace spell']} in a peace spell. "
            "UNTAC therefore enters the peace-duration models as present in no spell: by UCDP's rule the war it "
            "was sent to end had not ended while it was there, and the spell that begins on 1998-10-03 has no "
            "operation. The earlier spell of conflict 300, from 1975-04-17, ended in failure on 1978-12-30. "
            "Measured per country (the old measure, still drawn in the timeline), UNTAC would also be counted in "
            f"the peace spells of {others}: long-ended conflicts it was not sent for. The linked measure, now the "
            "default, does not credit them with UNTAC."
        )
    elif code == 651:
        others = spells_with(st, "MFO", exclude=11343)
        rep.text(
            "*Reading the Egypt timeline.* The MFO has been present since April 1982 in the long peace "
            "between Egypt and Israel that followed the October 1973 war (conflict 11343, censored at the end "
            "of 2024), the conflict it is linked to. UCDP's peace agreement data do not include the 1979 "
            "Egypt-Israel Treaty of Peace whose 1981 Protocol created the MFO, and the project has no personnel "
            "series for the MFO, so the data record only its presence. The UN personnel shown are UNTSO's "
            "(mostly military observers), a five-host mission whose figures are split equally among its hosts, "
            "so about a fifth of them are attributed to Egypt. Measured per country (the old measure), the MFO "
            f"would also be present in the peace spells of {others}, internal conflicts it was not deployed for; "
            "the linked measure leaves them out."
        )
    elif code == 520:
        others = spells_with(st, "AMISOM", exclude=337)
        rep.text(
            "*Reading the Somalia timeline.* AMISOM deployed in 2007 during the war with Al-Shabaab "
            "(conflict 337, episode 4, active since 2006-10-24 and still active at the end of 2024), so it is in "
            "no peace spell of conflict 337. Measured per country (the old measure), it would be counted in the "
            f"peace spells of {others}; the linked measure does not. The UN personnel after 2016 belong to "
            "UNSOM and UNSOS, political and support offices that appear only in Kathman's data (to December "
            "2019) and never count as peacekeeping presence. The data have no monthly AMISOM or ATMIS troop "
            "numbers."
        )

# %% [markdown]
# ## Summary and limits

# %%
rep.table("summary", pd.DataFrame(summary_rows),
          caption="What the data hold for each country (months counted within 1989-2024 for UN personnel)")
rep.text(
    "## What the data can and cannot show\n"
    "- **UN personnel exist only for January 1990 to December 2019** (Kathman 12-2019). Before and after, "
    "UN operations have presence but no personnel (hatched); months with no operation are zero.\n"
    "- **Non-UN operations have presence only**: the project holds no monthly troop figures for the MFO, "
    "AMISOM or ATMIS. Their rows are the mission table's start and end dates.\n"
    "- **The timelines draw presence per host country**, so an operation appears beside every conflict "
    "located there; the linked tables say which conflict it was sent for, and only that link counts as "
    "presence in the peace-duration models (UNTAC for conflict 300, not for Cambodia's colonial and "
    "interstate conflicts; the MFO for conflict 11343, not for Egypt's internal conflicts).\n"
    "- **Peace spells follow conflict-level recurrence** and start at UCDP's episode end date; an operation "
    "deployed during an active episode (UNTAC, AMISOM) is not in any spell. Termination outcomes are "
    "coded only for episodes that ended by 2020.\n"
    "- **UCDP PA 22.1 covers 1975-2021** and agreements between the primary warring parties; it has "
    "none for Egypt.\n"
    "- Three countries chosen for their operations cannot say whether operations work in general: "
    "they show what the panels feed into the cross-national models, case by case."
)

# %%
rep.write()
