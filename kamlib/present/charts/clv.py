"""Charts of customer lifetime value (notebook 03): CLV heat map and convergence, cohort survival against the
sBG fit, the retention uplift extra care needs, and P(alive) of the BG/NBD model. Each labels itself in ``lang``."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from kamlib import i18n
from kamlib.clv import ShiftedBetaGeometric, contractual_clv, label
from kamlib.present.charts.base import new_axes, tick_formatter

__all__ = ["clv_heatmap", "convergence_chart", "survival_chart", "uplift_chart", "alive_chart"]


def clv_heatmap(
    grid: pd.DataFrame, *, lang: str = "en", mark: tuple[float, float] | None = None, ax: Axes | None = None
) -> Axes:
    """Heat map of :func:`kamlib.clv.clv_grid` (retention rows x discount-rate columns), values in EUR; ``mark`` = (r, d) now."""
    import seaborn as sns  # imported when needed: it is slow to import

    ax = new_axes(ax, (7.5, 0.4 * len(grid) + 1.8))
    shown = grid.copy()
    shown.index = [i18n.percent(v, lang, 0) for v in grid.index]
    # pandas-stubs: DataFrame.columns is typed Index[str]; the grid's columns are discount rates (floats)
    shown.columns = [i18n.percent(v, lang, 0) for v in grid.columns]  # type: ignore[arg-type]
    annot = np.vectorize(lambda v: i18n.short_amount(v, lang) if v else "0")(grid.to_numpy(dtype=float))
    sns.heatmap(
        shown,
        annot=annot,
        fmt="",
        cmap="Blues",
        cbar=False,
        ax=ax,
        annot_kws={"fontsize": 8},
        mask=~np.isfinite(grid.to_numpy(dtype=float)),
    )
    if mark is not None:
        r, d = mark
        i = int(np.argmin(np.abs(grid.index.to_numpy(dtype=float) - r)))
        j = int(np.argmin(np.abs(grid.columns.to_numpy(dtype=float) - d)))
        ax.add_patch(Rectangle((j, i), 1, 1, fill=False, edgecolor="#c00000", linewidth=2))
    ax.set_ylabel(label("retention", lang))
    ax.set_xlabel(label("discount_rate", lang))
    ax.set_title(label("heatmap_title", lang))
    return ax


def convergence_chart(
    margin: float,
    retention: float,
    discount_rate: float,
    *,
    max_horizon: int = 40,
    lang: str = "en",
    ax: Axes | None = None,
) -> Axes:
    """Finite-horizon CLV for T = 1..max_horizon against the closed form m·r/(1+d−r)."""
    ax = new_axes(ax, (7.5, 4.0))
    t = np.arange(1, max_horizon + 1)
    finite = [float(contractual_clv(margin, retention, discount_rate, horizon=int(h))) for h in t]
    ax.plot(t, finite, marker="o", markersize=3, color="#1f4e79", label=label("finite", lang))
    closed = float(contractual_clv(margin, retention, discount_rate))
    ax.axhline(closed, color="#c00000", linestyle="--", label=label("closed", lang))
    ax.set_xlabel(label("horizon_years", lang))
    ax.set_ylabel(label("clv_eur", lang))
    ax.set_title(label("convergence_title", lang))
    ax.legend(frameon=False, loc="lower right")
    ax.xaxis.set_major_formatter(tick_formatter(lang, "number"))
    ax.yaxis.set_major_formatter(tick_formatter(lang, "short"))
    return ax


def survival_chart(
    sbg: ShiftedBetaGeometric, survivors, *, fit_periods: int, lang: str = "en", name: str = "", ax: Axes | None = None
) -> Axes:
    """Observed survival of one cohort against the sBG fit (years 1..fit_periods) and its projection."""
    ax = new_axes(ax, (6.0, 4.0))
    s = np.asarray(survivors, dtype=float)
    t = np.arange(len(s))
    ax.plot(t, s / s[0], "o", color="black", markersize=4, label=f"{name} {label('actual', lang)}".strip())
    tt = np.arange(len(s))
    model = sbg.survival(tt)
    ax.plot(tt[: fit_periods + 1], model[: fit_periods + 1], color="#1f4e79", label=label("fitted", lang))
    ax.plot(tt[fit_periods:], model[fit_periods:], color="#1f4e79", linestyle="--", label=label("projected", lang))
    ax.axvline(fit_periods, color="grey", linestyle=":", linewidth=1)
    ax.yaxis.set_major_formatter(tick_formatter(lang, "percent"))
    ax.xaxis.set_major_formatter(tick_formatter(lang, "number"))
    ax.set_xlabel(label("year", lang))
    ax.set_ylabel(label("survivors_share", lang))
    ax.set_title(label("survival_title", lang).format(n=fit_periods), fontsize=10)
    ax.legend(frameon=False)
    return ax


def uplift_chart(
    table: pd.DataFrame, *, names: pd.Series | None = None, lang: str = "en", ax: Axes | None = None
) -> Axes:
    """Horizontal bars: retention uplift (percentage points) each account needs for the extra care to pay."""
    t = table.sort_values("uplift", na_position="first", kind="stable")
    ax = new_axes(ax, (7.5, 0.28 * len(t) + 1.3))
    y = np.arange(len(t))
    vals = (t["uplift"] * 100).to_numpy(dtype=float)
    ax.barh(y, np.nan_to_num(vals), color=np.where(np.isfinite(vals), "#1f4e79", "#c00000"))
    for yi, v in zip(y, vals):
        if not np.isfinite(v):
            ax.text(0, float(yi), " " + label("not_attainable", lang), va="center", fontsize=7, color="#c00000")
    lbl = names.reindex(t.index).astype(str).str.slice(0, 28) if names is not None else t.index.astype(str)
    ax.set_yticks(y, list(lbl), fontsize=7)
    ax.set_xlabel(label("uplift_pp", lang))
    ax.set_title(label("uplift_title", lang))
    ax.xaxis.set_major_formatter(tick_formatter(lang, "number"))
    return ax


def alive_chart(
    summary: pd.DataFrame, p_alive, *, time_unit: str = "W", lang: str = "en", ax: Axes | None = None
) -> Axes:
    """P(alive) against the time since the last purchase; point size = number of repeat purchases."""
    ax = new_axes(ax, (7.5, 4.2))
    since_last = (summary["T"] - summary["recency"]).to_numpy(dtype=float)
    p = np.asarray(p_alive, dtype=float)
    size = 8 + 2.0 * np.sqrt(summary["frequency"].to_numpy(dtype=float))
    ax.scatter(since_last, p, s=size, c=np.where(p < 0.5, "#c00000", "#1f4e79"), alpha=0.6, linewidths=0)
    unit = i18n.pick(i18n.table("clv.time_unit_names")[time_unit], lang)
    ax.set_xlabel(f"{label('since_last_purchase', lang)} ({unit})")
    ax.set_ylabel(label("p_alive", lang))
    ax.yaxis.set_major_formatter(tick_formatter(lang, "percent"))
    ax.xaxis.set_major_formatter(tick_formatter(lang, "number"))
    ax.set_title(label("alive_title", lang))
    return ax
