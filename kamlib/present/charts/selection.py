"""Charts of the account selection (notebooks 00 and 01): Pareto and Lorenz curves, the score breakdown, the
portfolio matrix and the sensitivity heat map. Each labels itself in ``lang``."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from kamlib import i18n, selection
from kamlib.present.charts.base import new_axes, tick_formatter

__all__ = [
    "ABC_COLOURS",
    "QUADRANT_COLOURS",
    "CRITERION_COLOURS",
    "pareto_chart",
    "lorenz_chart",
    "score_breakdown",
    "portfolio_bubble",
    "sensitivity_heatmap",
]

ABC_COLOURS = {"A": "#1f4e79", "B": "#5b9bd5", "C": "#bdd7ee"}


def pareto_chart(
    revenue: pd.Series, *, cutoffs: tuple[float, float] = (0.8, 0.95), lang: str = "en", ax: Axes | None = None
) -> Axes:
    """Bars of revenue per account (coloured by ABC class) and the cumulative share line."""
    ax = new_axes(ax, (7.5, 4.0))
    abc = selection.abc_classes(revenue, cutoffs=cutoffs)
    x = np.arange(1, len(abc) + 1)
    ax.bar(x, abc["value"], width=1.0, color=[ABC_COLOURS[c] for c in abc["abc"]], linewidth=0)
    ax.set_xlabel(i18n.t("accounts_ranked", lang))
    ax.set_ylabel(i18n.t("revenue_eur", lang))
    ax.yaxis.set_major_formatter(tick_formatter(lang, "short"))
    ax2 = ax.twinx()
    ax2.plot(x, abc["cum_share"], color="#c00000", linewidth=1.8)
    for c in cutoffs:
        ax2.axhline(c, color="grey", linestyle=":", linewidth=1)
    ax2.set_ylim(0, 1.02)
    ax2.yaxis.set_major_formatter(tick_formatter(lang, "percent"))
    ax2.set_ylabel(i18n.t("cum_share", lang))
    handles = [Rectangle((0, 0), 1, 1, color=ABC_COLOURS[k]) for k in "ABC"]
    ax.legend(handles, [f"{k}: {(abc['abc'] == k).sum()}" for k in "ABC"], loc="center right", frameon=False)
    ax.set_title(i18n.t("pareto_title", lang))
    ax.set_xlim(0.5, len(abc) + 0.5)
    ax.xaxis.set_major_formatter(tick_formatter(lang, "number"))
    return ax


def lorenz_chart(revenue: pd.Series, *, measure: str = "revenue", lang: str = "en", ax: Axes | None = None) -> Axes:
    """Lorenz curve with the line of perfect equality; the Gini coefficient in the legend.

    ``measure`` names what ``revenue`` holds for the title and axis: ``"revenue"`` or ``"db1"`` (DB I).
    """
    if measure not in ("revenue", "db1"):
        raise ValueError("measure must be 'revenue' or 'db1'")
    sentences = i18n.table("selection.sentences")
    ax = new_axes(ax, (4.5, 4.5))
    lc = selection.lorenz(revenue)
    g = selection.gini(revenue)
    ax.plot(
        lc["accounts_share"], lc["value_share"], color="#1f4e79", linewidth=2, label=f"Gini {i18n.number(g, lang, 2)}"
    )
    ax.fill_between(lc["accounts_share"], lc["value_share"], lc["accounts_share"], color="#bdd7ee", alpha=0.6)
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label=i18n.t("equality", lang))
    ax.xaxis.set_major_formatter(tick_formatter(lang, "percent"))
    ax.yaxis.set_major_formatter(tick_formatter(lang, "percent"))
    ax.set_xlabel(i18n.t("accounts_share", lang))
    ax.set_ylabel(i18n.t("cum_share", lang) if measure == "revenue" else i18n.pick(sentences["cum_share_db1"], lang))
    ax.set_title(
        i18n.t("lorenz_title", lang) if measure == "revenue" else i18n.pick(sentences["lorenz_title_db1"], lang)
    )
    ax.legend(loc="upper left", frameon=False)
    ax.set_aspect("equal")
    return ax


QUADRANT_COLOURS = {"strategic": "#1f4e79", "star": "#70ad47", "status": "#ed7d31", "streamline": "#a5a5a5"}
CRITERION_COLOURS = {
    "revenue_share": "#1f4e79",
    "lifetime_value": "#2e75b6",
    "tailored_service": "#9dc3e6",
    "growth_potential": "#70ad47",
    "credibility": "#ffc000",
    "relationship": "#ed7d31",
}


def score_breakdown(selection, *, top: int = 20, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Stacked bars: each criterion's weighted contribution to the score of the top accounts."""
    t = selection.table.sort_values("score", ascending=False, kind="stable").head(top)
    ax = new_axes(ax, (9, 0.32 * len(t) + 1.2))
    left = np.zeros(len(t))
    labels = [f"{n[:28]}" for n in t["name"]]
    y = np.arange(len(t))[::-1]
    for c in selection.criteria:
        part = t[c].fillna(0.0).to_numpy() * float(selection.weights[c])
        ax.barh(
            y,
            part,
            left=left,
            color=CRITERION_COLOURS.get(c, "grey"),
            label=i18n.criterion_label(c, lang) if c in i18n.CRITERION_LABELS else c,  # a company criterion: its column
            edgecolor="white",
            linewidth=0.5,
        )
        left += part
    for yi, (prov, defin) in zip(y, zip(t["provisional"], t["definitive"])):
        mark = "●" if defin else ("○" if prov else "")
        ax.text(left.max() * 1.01, yi, mark, va="center", fontsize=9)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel(i18n.t("weighted_score", lang))
    ax.set_title(i18n.t("score_breakdown_title", lang))
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.xaxis.set_major_formatter(tick_formatter(lang, "number"))
    return ax


def portfolio_bubble(
    selection, *, split: float = 5.0, lang: str = "en", label_top: int = 6, ax: Axes | None = None
) -> Axes:
    """Portfolio matrix (McDonald/Woodburn): strength (x) vs attractiveness (y), bubble = revenue."""
    import seaborn as sns  # imported when needed: it is slow to import

    t = selection.table
    t = t[t["revenue_12m"] > 0]
    ax = new_axes(ax, (7.5, 6.5))
    sns.scatterplot(
        data=t,
        x="strength",
        y="attractiveness",
        size="revenue_12m",
        sizes=(15, 900),
        hue="quadrant",
        hue_order=list(QUADRANT_COLOURS),
        palette=QUADRANT_COLOURS,
        alpha=0.7,
        edgecolor="white",
        linewidth=0.5,
        legend=False,
        ax=ax,
    )
    ax.axvline(split, color="grey", linewidth=1)
    ax.axhline(split, color="grey", linewidth=1)
    ax.set_xlim(-0.3, 10.3)
    ax.set_ylim(-0.3, 10.3)
    for q, (x, y) in {
        "strategic": (9.9, 9.9),
        "star": (0.1, 9.9),
        "status": (9.9, 0.1),
        "streamline": (0.1, 0.1),
    }.items():
        ax.text(
            x,
            y,
            i18n.quadrant_label(q, lang),
            ha="right" if x > 5 else "left",
            va="top" if y > 5 else "bottom",
            color=QUADRANT_COLOURS[q],
            fontsize=11,
            fontweight="bold",
        )
    offsets = [(8, 10), (8, -14), (-8, 14), (-8, -16), (10, 0), (-10, 0)]
    top = t.sort_values("revenue_12m", ascending=False).head(label_top)
    for k, (_, row) in enumerate(top.iterrows()):
        dx, dy = offsets[k % len(offsets)]
        ax.annotate(
            str(row["name"])[:24],
            (row["strength"], row["attractiveness"]),
            fontsize=7,
            xytext=(dx, dy),
            textcoords="offset points",
            ha="left" if dx > 0 else "right",
            arrowprops={"arrowstyle": "-", "color": "grey", "linewidth": 0.5},
        )
    ax.set_xlabel(i18n.t("strength_axis", lang))
    ax.set_ylabel(i18n.t("attractiveness_axis", lang))
    ax.set_title(i18n.t("portfolio_title", lang))
    ax.xaxis.set_major_formatter(tick_formatter(lang, "number"))
    ax.yaxis.set_major_formatter(tick_formatter(lang, "number"))
    return ax


def sensitivity_heatmap(sensitivity: pd.DataFrame, *, top: int = 25, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Heat map of selection and quadrant probabilities for the accounts nearest the decision."""
    import seaborn as sns  # imported when needed: it is slow to import

    s = sensitivity[sensitivity["p_selected"] > 0].head(top)
    cols = ["p_selected", "p_strategic", "p_star", "p_status", "p_streamline"]
    ax = new_axes(ax, (7.5, 0.3 * len(s) + 1.5))
    m = s[cols].copy()
    m.index = [str(n)[:28] + (" *" if b else "") for n, b in zip(s["name"], s["borderline"])]
    m.columns = [i18n.pick(i18n.table("selection.columns")[c], lang) for c in cols]
    annot = np.vectorize(lambda v: i18n.percent(v, lang, 0))(m.to_numpy(dtype=float)) if len(m) else True
    sns.heatmap(
        m,
        annot=annot,
        fmt="" if len(m) else ".0%",
        cmap="Blues",
        vmin=0,
        vmax=1,
        cbar=False,
        ax=ax,
        annot_kws={"fontsize": 7},
    )
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(i18n.t("sensitivity_title", lang))
    return ax
