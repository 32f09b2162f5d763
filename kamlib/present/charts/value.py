"""Charts of the contribution margin scheme (notebook 03): the whale curve, cost to serve against revenue (the
portfolio, or one account against its peers) and the waterfall from gross revenue to DB IV. Each labels itself
in ``lang``."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from kamlib import i18n
from kamlib.present.charts.base import label_point, new_axes, tick_formatter
from kamlib.scope import peer_context
from kamlib.value import LEVELS, SUBTOTALS, label, statement, whale_summary

__all__ = ["whale_chart", "cost_to_serve_chart", "margin_waterfall"]


def whale_chart(curve: pd.DataFrame, *, lang: str = "en", label_top: int = 0, ax: Axes | None = None) -> Axes:
    """Whale curve: cumulative share of total DB IV against the share of accounts; marks the peak."""
    ax = new_axes(ax, (7.5, 4.0))
    x = np.concatenate([[0.0], curve["accounts_share"].to_numpy()])
    y = np.concatenate([[0.0], curve["profit_share"].to_numpy()])
    ax.plot(x, y, color="#1f4e79", linewidth=2)
    ax.axhline(1.0, color="grey", linestyle=":", linewidth=1)
    neg = curve["db4"].to_numpy() < 0
    if neg.any():
        first_neg = int(np.argmax(neg))
        ax.fill_between(x[first_neg:], y[first_neg:], 1.0, color="#c00000", alpha=0.15, linewidth=0)
    s = whale_summary(curve)
    if s["accounts"]:
        px, py = x[s["peak_accounts"]], y[s["peak_accounts"]]
        ax.plot([px], [py], "o", color="#c00000")
        ax.annotate(
            label("peak", lang).format(share=i18n.percent(py, lang, 0), k=s["peak_accounts"]),
            (px, py),
            xytext=(10, 6),
            textcoords="offset points",
            fontsize=9,
            color="#c00000",
        )
    ax.xaxis.set_major_formatter(tick_formatter(lang, "percent"))
    ax.yaxis.set_major_formatter(tick_formatter(lang, "percent"))
    ax.set_xlabel(label("whale_x", lang))
    ax.set_ylabel(label("whale_y", lang))
    ax.set_title(label("whale_title", lang))
    ax.set_xlim(0, 1)
    ax.set_ylim(min(0.0, float(np.nanmin(y)) - 0.05), float(np.nanmax(y)) * 1.08)
    return ax


def cost_to_serve_chart(
    contribution: pd.DataFrame, *, lang: str = "en", label_top: int = 5, account_id=None, ax: Axes | None = None
) -> Axes:
    """Scatter of cost to serve against net revenue (log axes); loss-making accounts in red, biggest losses named.

    With ``account_id`` (a report about one account) the chart shows that account only, against the
    quartiles and the median of the other accounts (:func:`kamlib.scope.peer_context`): no other account's
    point or name.
    """
    ax = new_axes(ax, (7.5, 5.0))
    t = contribution[(contribution["net_revenue"] > 0) & (contribution["cost_to_serve"] > 0)]
    if account_id:
        return _cost_to_serve_account(t, str(account_id), lang=lang, ax=ax)
    neg = t["db4"] < 0
    ax.scatter(
        t.loc[~neg, "net_revenue"],
        t.loc[~neg, "cost_to_serve"],
        s=18,
        color="#1f4e79",
        alpha=0.6,
        label=label("profitable", lang),
        linewidths=0,
    )
    ax.scatter(
        t.loc[neg, "net_revenue"],
        t.loc[neg, "cost_to_serve"],
        s=24,
        color="#c00000",
        alpha=0.8,
        label=label("destroyer", lang),
        linewidths=0,
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    lo = float(min(t["net_revenue"].min(), t["cost_to_serve"].min())) if len(t) else 1.0
    hi = float(max(t["net_revenue"].max(), t["cost_to_serve"].max())) if len(t) else 10.0
    for acc, row in t[neg].sort_values("db4").head(label_top).iterrows():
        label_point(ax, row.get("name", acc), (row["net_revenue"], row["cost_to_serve"]), width=22)
    return _cost_to_serve_frame(ax, lo, hi, lang=lang)


def _cost_to_serve_frame(ax: Axes, lo: float, hi: float, *, lang: str) -> Axes:
    """Reference lines (cost to serve = 100 % and 10 % of net revenue), labels, legend: both chart views."""
    for share, style in ((1.0, "--"), (0.1, ":")):
        ax.plot([lo, hi], [lo * share, hi * share], color="grey", linestyle=style, linewidth=1)
        ax.text(hi, hi * share, " " + i18n.percent(share, lang, 0), fontsize=8, color="grey", va="center")
    ax.set_xlabel(label("net_revenue_axis", lang))
    ax.set_ylabel(label("cts_axis", lang))
    ax.set_title(label("cts_title", lang))
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    return ax


def _cost_to_serve_account(t: pd.DataFrame, account_id: str, *, lang: str, ax: Axes) -> Axes:
    ctx = peer_context(t, account_id, ["net_revenue", "cost_to_serve"])
    figures = ["this_account", "peer_p25", "peer_median", "peer_p75"]
    x, y = (
        dict(zip(figures, ctx.loc[row, figures].to_numpy(dtype=float).tolist()))
        for row in ("net_revenue", "cost_to_serve")
    )
    points = [
        v
        for v in (x["peer_p25"], x["peer_p75"], y["peer_p25"], y["peer_p75"], x["this_account"], y["this_account"])
        if v == v and v > 0
    ]
    lo, hi = (min(points) / 3, max(points) * 3) if points else (1.0, 10.0)
    if x["peer_p25"] == x["peer_p25"] and y["peer_p25"] == y["peer_p25"]:
        ax.add_patch(
            Rectangle(
                (x["peer_p25"], y["peer_p25"]),
                x["peer_p75"] - x["peer_p25"],
                y["peer_p75"] - y["peer_p25"],
                color="grey",
                alpha=0.2,
                linewidth=0,
                label=label("peer_box", lang),
            )
        )
        ax.plot(
            [x["peer_median"]],
            [y["peer_median"]],
            "x",
            color="grey",
            markersize=9,
            label=label("peer_median_point", lang),
        )
    if account_id in t.index:
        row = t.loc[account_id]
        neg = row["db4"] < 0
        ax.plot(
            [row["net_revenue"]],
            [row["cost_to_serve"]],
            "o",
            markersize=9,
            color="#c00000" if neg else "#1f4e79",
            label=label("destroyer" if neg else "profitable", lang),
        )
        label_point(
            ax,
            row.get("name", account_id),
            (row["net_revenue"], row["cost_to_serve"]),
            width=40,
            fontsize=8,
            offset=(6, 6),
        )
    else:
        ax.text(
            0.5,
            0.5,
            f"{account_id}: {label('not_in_chart', lang)}",
            transform=ax.transAxes,
            ha="center",
            fontsize=9,
            color="grey",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo * 0.1, hi)
    return _cost_to_serve_frame(ax, lo, hi, lang=lang)


def margin_waterfall(values: pd.Series | pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Waterfall from gross revenue to DB IV: deductions as falling bars, subtotals as full bars."""
    st = statement(values, lang=lang)
    ax = new_axes(ax, (8.5, 4.0))
    level = 0.0
    xs, labels = [], []
    for i, key in enumerate(LEVELS):
        v = float(st.loc[key, "EUR"])  # type: ignore[arg-type]  # pandas-stubs: .loc[row, col] is any scalar; EUR is a number
        if key == "gross_revenue" or key in SUBTOTALS:
            colour = "#1f4e79" if v >= 0 else "#c00000"
            ax.bar(i, v, color=colour, width=0.7)
            level = v
        else:
            ax.bar(i, -v, bottom=level, color="#ed7d31", width=0.7)
            level -= v
        xs.append(i)
        labels.append(label(key, lang).lstrip("−= ").replace(" (", "\n("))
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xticks(xs, labels, fontsize=7, rotation=0)
    ax.set_ylabel("EUR")
    ax.set_title(label("waterfall_title", lang))
    ax.yaxis.set_major_formatter(tick_formatter(lang, "short"))
    return ax
