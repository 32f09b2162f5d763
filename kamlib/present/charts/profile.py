"""Charts of one account's profile (notebook 02): revenue per quarter, product-line timeline, relationship map
and whitespace heat map. Each takes an :class:`kamlib.profile.AccountProfile` and labels itself in ``lang``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from kamlib import i18n
from kamlib.present.charts.base import empty, new_axes, safe_text, tick_formatter
from kamlib.profile import AccountProfile, label, value_label, whitespace_matrix

__all__ = [
    "ATTITUDE_COLOURS",
    "revenue_alt",
    "revenue_chart",
    "product_line_timeline",
    "relationship_map",
    "whitespace_heatmap",
]

ATTITUDE_COLOURS = {"champion": "#2e7d32", "supporter": "#8bc34a", "neutral": "#9e9e9e", "opponent": "#c62828"}


def revenue_chart(profile: AccountProfile, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Bars of revenue and DB I per quarter, revenue targets as black ticks. Returns the Axes."""
    ax = new_axes(ax, (10, 4))
    q = profile.quarterly
    if not len(q):
        return empty(ax, profile.notes.get("history", ""))
    x = np.arange(len(q))
    ax.bar(x, q["gross_revenue_eur"], width=0.8, color="#9dc3e6", label=label("gross_revenue_eur", lang))
    ax.bar(x, q["db1_eur"], width=0.45, color="#1f4e79", label=label("db1_eur", lang))
    if q["revenue_target_eur"].notna().any():
        ax.plot(
            x,
            q["revenue_target_eur"],
            linestyle="none",
            marker="_",
            markersize=18,
            markeredgewidth=2.5,
            color="black",
            label=label("fig_target", lang),
        )
    ax.set_xticks(x, q["quarter"], rotation=90 if len(q) > 12 else 0, fontsize=8)
    ax.yaxis.set_major_formatter(tick_formatter(lang, "short"))
    ax.set_ylabel("EUR")
    ax.set_title(safe_text(label("fig_revenue_title", lang) + f" · {profile.name}"))
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    return ax


def product_line_timeline(profile: AccountProfile, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """One row per product line: a dot per quarter with revenue (area ~ revenue), a ring at the first purchase."""
    lq = profile.product_line_quarters
    lines = list(profile.product_lines["product_line"])
    ax = new_axes(ax, (10, 0.55 * max(len(lines), 1) + 1.5))
    if not len(lq):
        return empty(ax, profile.notes.get("history", ""))
    quarters = list(profile.quarterly["quarter"])
    xpos = {q: i for i, q in enumerate(quarters)}
    ypos = {pl: len(lines) - 1 - i for i, pl in enumerate(lines)}
    size = 600 * np.sqrt(lq["gross_revenue_eur"].clip(lower=0) / max(lq["gross_revenue_eur"].max(), 1.0))
    ax.scatter(
        lq["quarter"].map(xpos), lq["product_line"].map(ypos), s=size + 4, color="#2e75b6", alpha=0.75, linewidth=0
    )
    for r in profile.product_lines.itertuples():
        fq = str(pd.Timestamp(r.first_purchase).to_period("Q"))  # type: ignore[arg-type]  # pandas-stubs: itertuples fields are any scalar; a date
        if fq in xpos:
            ax.scatter(
                [xpos[fq]], [ypos[r.product_line]], s=260, facecolors="none", edgecolors="#c00000", linewidth=1.8
            )
            ax.annotate(
                i18n.date(r.first_purchase, lang),
                (xpos[fq], ypos[r.product_line]),
                xytext=(0, 11),
                textcoords="offset points",
                ha="center",
                fontsize=7,
                color="#c00000",
            )
    ax.set_yticks(list(ypos.values()), [safe_text(k) for k in ypos], fontsize=8)
    ax.set_xticks(range(len(quarters)), quarters, rotation=90 if len(quarters) > 12 else 0, fontsize=8)
    ax.set_ylim(-0.7, len(lines) - 0.3)
    ax.set_xlim(-0.7, len(quarters) - 0.3)
    ax.set_title(label("fig_timeline_title", lang), fontsize=10)
    ax.grid(axis="y", color="#eeeeee")
    return ax


def relationship_map(profile: AccountProfile, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Contacts on a circle around us, grouped by buying role.

    Node size = influence, colour = attitude, line width = interactions in the last 12 months, dashed line =
    not met within the cadence, bold ring = key contact.
    """
    c = profile.contacts
    ax = new_axes(ax, (9, 7))
    if not len(c):
        return empty(ax, profile.notes.get("buying_center", ""))
    n = len(c)
    angles = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    xs, ys = np.cos(angles), np.sin(angles)
    top = max(int(c["interactions_12m"].max()), 1)
    for x, y, r in zip(xs, ys, c.itertuples()):
        width = 0.6 + 5.0 * r.interactions_12m / top  # type: ignore[operator]  # pandas-stubs: itertuples fields are any scalar; a count
        ax.plot(
            [0, x],
            [0, y],
            color="#7f7f7f",
            linewidth=width,
            linestyle="-" if r.met_in_cadence else "--",
            zorder=1,
            alpha=0.8,
        )
    infl = c["influence"].astype("Float64").fillna(1).astype(float).to_numpy()
    colours = [ATTITUDE_COLOURS.get(a, "#d9d9d9") if isinstance(a, str) else "#d9d9d9" for a in c["attitude"]]
    ax.scatter(
        xs,
        ys,
        s=180 + 170 * infl,
        c=colours,
        edgecolors=["black" if k else "white" for k in c["key_contact"]],
        linewidths=[2.2 if k else 1.0 for k in c["key_contact"]],
        zorder=3,
    )
    ax.scatter([0], [0], s=900, c="#1f4e79", zorder=3)
    ax.text(
        0,
        0,
        label("fig_map_us", lang),
        color="white",
        ha="center",
        va="center",
        fontsize=10,
        zorder=4,
        fontweight="bold",
    )
    for x, y, r in zip(xs, ys, c.itertuples()):
        ha = "left" if x > 0.15 else "right" if x < -0.15 else "center"
        va = "bottom" if y > 0.15 else "top" if y < -0.15 else "center"
        role = value_label(r.buying_role, lang)
        infl_text = "\u2013" if pd.isna(r.influence) else int(r.influence)  # type: ignore[arg-type]  # pandas-stubs: itertuples fields are any scalar; a number or NA
        ax.annotate(
            safe_text(f"{r.name}\n{role} · {infl_text}"),
            (x, y),
            xytext=(x * 1.2, y * 1.2),
            ha=ha,
            va=va,
            fontsize=8,
            textcoords="data",
        )
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markersize=9,
            markerfacecolor=col,
            markeredgecolor="white",
            label=value_label(a, lang),
        )
        for a, col in ATTITUDE_COLOURS.items()
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor="black",
            markeredgewidth=2,
            label=label("fig_map_key", lang),
        )
    )
    handles.append(Line2D([], [], color="#7f7f7f", linestyle="--", label=label("fig_map_not_met", lang)))
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False, fontsize=8)
    ax.set_xlim(-1.9, 1.9)
    ax.set_ylim(-1.55, 1.55)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(label("fig_map_title", lang), fontsize=10)
    return ax


def whitespace_heatmap(profile: AccountProfile, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Product line x business unit: owned cells in blue by share of wallet, gaps orange, not eligible grey."""
    ws = profile.whitespace
    lines = list(dict.fromkeys(ws["product_line"]))
    units = list(dict.fromkeys(ws["business_unit"]))
    ax = new_axes(ax, (1.3 * max(len(units), 1) + 3, 0.6 * max(len(lines), 1) + 1.5))
    if not len(ws):
        return empty(ax, profile.notes.get("whitespace", ""))
    blues = plt.get_cmap("Blues")
    rgba = np.ones((len(lines), len(units), 4))
    matrix = whitespace_matrix(profile, lang=lang)
    for r in ws.itertuples():
        i, j = lines.index(r.product_line), units.index(r.business_unit)
        if r.status == "owned":
            s = r.share_of_wallet
            rgba[i, j] = blues(0.3 + 0.65 * min(float(s), 1.0)) if pd.notna(s) else blues(0.5)  # type: ignore[arg-type]  # pandas-stubs: itertuples fields are any scalar; a share or NaN
        elif r.status == "gap":
            rgba[i, j] = (0.96, 0.69, 0.51, 1.0)
        else:
            rgba[i, j] = (0.93, 0.93, 0.93, 1.0)
    ax.imshow(rgba, aspect="auto")
    for i in range(len(lines)):
        for j in range(len(units)):
            dark = rgba[i, j][:3].mean() < 0.55
            ax.text(
                j,
                i,
                safe_text(matrix.iloc[i, j]),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if dark else "black",
            )
    ax.set_xticks(range(len(units)), [safe_text(u) for u in units], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(lines)), [safe_text(pl) for pl in lines], fontsize=8)
    ax.set_xticks(np.arange(-0.5, len(units)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(lines)), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    ax.set_title(label("fig_heat_title", lang), fontsize=10)
    return ax


def revenue_alt(profile: AccountProfile, *, lang: str = "en") -> str:
    """The alt text of :func:`revenue_chart`: the account, the quarters shown and the change in the last quarter.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> q = pd.DataFrame({"quarter": ["2025Q3", "2025Q4"], "gross_revenue_eur": [100.0, 56.0]})
    >>> revenue_alt(SimpleNamespace(quarterly=q, name="Kunde AG", account_id="ACC-1"), lang="en")
    'Quarterly revenue of Kunde AG (ACC-1), 2025Q3–2025Q4: fell 44.0% in the last quarter against the quarter before'
    """
    from kamlib.present.charts.base import alt, change_text

    q = profile.quarterly
    if not len(q):
        return profile.notes.get("history", "")
    rev = q["gross_revenue_eur"].astype(float).tolist()
    change = change_text(rev[-1], rev[-2], lang) if len(rev) > 1 else "–"
    return alt(
        "revenue",
        lang,
        account=f"{profile.name} ({profile.account_id})",
        first=q["quarter"].iloc[0],
        last=q["quarter"].iloc[-1],
        change=change,
    )
