"""Charts of the review cycle (notebooks 04 and 05): the revenue bridge, the health score, the quadrant migration
and the KAMs' workload, and the backtest of the health score. Each labels itself in ``lang``."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from kamlib import backtest, i18n
from kamlib.present.charts.base import new_axes, tick_formatter
from kamlib.review import BANDS, label, text

__all__ = [
    "backtest_chart",
    "bridge_alt",
    "bridge_chart",
    "health_alt",
    "health_chart",
    "migration_chart",
    "workload_chart",
]


def bridge_chart(bridge: pd.Series, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Waterfall from base revenue to current revenue through the effects of :func:`kamlib.review.price_volume_mix`."""
    ax = new_axes(ax, (7.5, 4.0))
    steps = ["volume", "mix", "price", "new_lines", "lost_lines"]
    x, level = 0, bridge["base_revenue"]
    ax.bar(x, level, color="#7f8c8d")
    for s in steps:
        x += 1
        v = bridge[s]
        ax.bar(x, v, bottom=level, color="#27ae60" if v >= 0 else "#c0392b")  # a negative height draws downwards
        level += v
    ax.bar(x + 1, bridge["current_revenue"], color="#2c3e50")
    names = [label("base", lang), *[label(s, lang) for s in steps], label("current", lang)]
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.yaxis.set_major_formatter(tick_formatter(lang, "number", 0))
    ax.set_ylabel("EUR")
    base, _, current = str(bridge.name).partition(" -> ")
    ax.set_title(text("bridge_title", lang, base=base, current=current) if current else label("total", lang))
    return ax


def health_chart(health: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Horizontal bars of the component scores (0-100) with the band limits and the total."""
    ax = new_axes(ax, (7.5, 4.0))
    comps = health.drop(index="health")
    colors = {"red": "#c0392b", "amber": "#f39c12", "green": "#27ae60", "n/a": "#bdc3c7"}
    ax.barh([label(k, lang) for k in comps.index], comps["score"].fillna(0), color=[colors[b] for b in comps["band"]])
    for limit, _ in BANDS:
        ax.axvline(limit, color="#7f8c8d", linestyle=":", linewidth=1)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(tick_formatter(lang, "number", 0))
    ax.invert_yaxis()
    h = health.loc["health"]
    assert isinstance(h, pd.Series)  # one row per component: "health" is a unique row label
    ax.set_title(text("health_title", lang, score=i18n.cell(h["score"], lang, "int"), band=label(h["band"], lang)))
    return ax


def migration_chart(table: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Heat map of the quadrant transition table (rows previous, columns current snapshot)."""
    ax = new_axes(ax, (6.0, 5.0))

    def name(s):
        return label("not_key", lang) if s == "not_key" else i18n.quadrant_label(s, lang)

    values = table.to_numpy()
    ax.imshow(values, cmap="Blues")
    ax.set_xticks(range(table.shape[1]), [name(c) for c in table.columns], rotation=30, ha="right")
    ax.set_yticks(range(table.shape[0]), [name(r) for r in table.index])
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            dark = values[i, j] > 0.6 * max(int(values.max()), 1)  # white figures on the darkest cells
            ax.text(
                j,
                i,
                i18n.number(int(values[i, j]), lang, 0),
                ha="center",
                va="center",
                color="white" if dark else "black",
            )
    ax.set_xlabel(label("moved_to", lang))
    ax.set_ylabel(label("moved_from", lang))
    ax.set_title(text("migration_title", lang))
    return ax


def workload_chart(
    workload: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None, period: str | None = None
) -> Axes:
    """Key accounts per KAM against their capacity (``period`` names the quarter in the title)."""
    ax = new_axes(ax, (7.5, 4.0))
    x = np.arange(len(workload))
    ax.bar(x - 0.2, workload["key_accounts"], width=0.4, label=label("key_accounts", lang), color="#2c3e50")
    ax.bar(x + 0.2, workload["capacity"].astype(float), width=0.4, label=label("kams_capacity", lang), color="#bdc3c7")
    ax.set_xticks(x, workload.index)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(tick_formatter(lang, "number", 0))
    ax.set_ylabel(label("key_accounts", lang))
    if period is not None:
        ax.set_title(text("workload_title", lang, quarter=period))
    ax.legend()
    return ax


def backtest_chart(result, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """The health score at past quarter ends (:func:`kamlib.backtest.health_backtest`), as shares of the
    account-quarters that held their revenue in the following year and of those that fell or were lost, in bands of
    10 points (0-10, over 10-20, ...), with the red and amber limits; the AUC in the title."""
    ax = new_axes(ax, (7.5, 4.6))
    t = result.table
    edges = np.arange(0, 101, 10)
    centres = edges[:-1] + 5
    for offset, is_bad, key, color in ((-2.2, False, "held_outcome", "#27ae60"), (2.2, True, "bad_outcome", "#c0392b")):
        scores = t.loc[t["bad"] == is_bad, "score"].astype(float).clip(0, 100).to_numpy()
        # bins closed on the right like the bands (red <= 50, amber <= 75): a score of 50 sits left of the line
        counts = np.bincount(np.clip(np.searchsorted(edges, scores, side="left"), 1, 10) - 1, minlength=10)
        share = counts / counts.sum() if counts.sum() else counts.astype(float)
        n = i18n.number(int(counts.sum()), lang, 0)
        ax.bar(centres + offset, share, width=4.4, color=color, label=f"{backtest.label(key, lang)} (n = {n})")
    for limit, _ in BANDS:
        ax.axvline(limit, color="#7f8c8d", linestyle=":", linewidth=1)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(tick_formatter(lang, "number", 0))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))  # whole percents: no 12.5 % shown as 12
    ax.yaxis.set_major_formatter(tick_formatter(lang, "percent", 0))
    ax.set_xlabel(backtest.label("score", lang))
    ax.set_ylabel(backtest.label("share_of_outcome", lang))
    ax.set_title(backtest.text("chart_title", lang, auc=i18n.cell(result.summary["auc"], lang, "number", 2)))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)  # below: bars stay clear
    return ax


def bridge_alt(bridge: pd.Series, *, lang: str = "en") -> str:
    """The alt text of :func:`bridge_chart`: from the base revenue to the current one, with each effect in EUR.

    Examples
    --------
    >>> b = pd.Series({"base_revenue": 1000.0, "volume": 100.0, "mix": -20.0, "price": 5.0, "new_lines": 0.0,
    ...                "lost_lines": -85.0, "current_revenue": 1000.0}, name="2024Q4 -> 2025Q4")
    >>> bridge_alt(b, lang="en")
    'Revenue bridge 2024Q4 to 2025Q4: from €1,000 to €1,000; volume +€100, mix -€20, price +€5, new lines €0, lost lines -€85'
    """
    from kamlib.present.charts.base import alt

    def signed(v: float) -> str:
        return ("+" if v > 0 else "") + i18n.money(float(v), lang, 0)

    base, _, current = str(bridge.name).partition(" -> ")
    return alt(
        "bridge",
        lang,
        base=base,
        current=current or "–",
        start=i18n.money(float(bridge["base_revenue"]), lang, 0),
        end=i18n.money(float(bridge["current_revenue"]), lang, 0),
        volume=signed(bridge["volume"]),
        mix=signed(bridge["mix"]),
        price=signed(bridge["price"]),
        new=signed(bridge["new_lines"]),
        lost=signed(bridge["lost_lines"]),
    )


def health_alt(health: pd.DataFrame, *, lang: str = "en") -> str:
    """The alt text of :func:`health_chart`: the score with its band and each component's score.

    Examples
    --------
    >>> h = pd.DataFrame({"score": [62.0, 90.0, 40.0], "band": ["amber", "green", "red"]},
    ...                  index=["health", "engagement", "complaints"])
    >>> health_alt(h, lang="en")
    'Health score 62 of 100 (amber); components: Engagement 90, Complaints 40'
    """
    from kamlib.present.charts.base import alt

    h = health.loc["health"]
    comps = health.drop(index="health")
    parts = ", ".join(f"{label(str(k), lang)} {i18n.cell(r['score'], lang, 'int')}" for k, r in comps.iterrows())
    return alt("health", lang, score=i18n.cell(h["score"], lang, "int"), band=label(str(h["band"]), lang), parts=parts)
