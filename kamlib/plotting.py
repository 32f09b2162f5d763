"""Charts used by the notebooks. Each function draws on a given or new Axes and returns it.

No global style is set on import; the functions use explicit colours and labels.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter

from . import i18n, selection

ABC_COLOURS = {"A": "#1f4e79", "B": "#5b9bd5", "C": "#bdd7ee"}


def _axes(ax: Axes | None, size: tuple[float, float] = (7.5, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def pareto_chart(revenue: pd.Series, *, cutoffs: tuple[float, float] = (0.8, 0.95), lang: str = "en",
                 ax: Axes | None = None) -> Axes:
    """Bars of revenue per account (coloured by ABC class) and the cumulative share line."""
    ax = _axes(ax)
    abc = selection.abc_classes(revenue, cutoffs=cutoffs)
    x = np.arange(1, len(abc) + 1)
    ax.bar(x, abc["value"], width=1.0, color=[ABC_COLOURS[c] for c in abc["abc"]], linewidth=0)
    ax.set_xlabel(i18n.t("accounts_ranked", lang))
    ax.set_ylabel(i18n.t("revenue_eur", lang))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e6:.1f} M" if v >= 1e6 else f"{v / 1e3:.0f} k"))
    ax2 = ax.twinx()
    ax2.plot(x, abc["cum_share"], color="#c00000", linewidth=1.8)
    for c in cutoffs:
        ax2.axhline(c, color="grey", linestyle=":", linewidth=1)
    ax2.set_ylim(0, 1.02)
    ax2.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax2.set_ylabel(i18n.t("cum_share", lang))
    handles = [plt.Rectangle((0, 0), 1, 1, color=ABC_COLOURS[k]) for k in "ABC"]
    ax.legend(handles, [f"{k}: {(abc['abc'] == k).sum()}" for k in "ABC"], loc="center right", frameon=False)
    ax.set_title(i18n.t("pareto_title", lang))
    ax.set_xlim(0.5, len(abc) + 0.5)
    return ax


def lorenz_chart(revenue: pd.Series, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Lorenz curve with the line of perfect equality; the Gini coefficient in the legend."""
    ax = _axes(ax, (4.5, 4.5))
    lc = selection.lorenz(revenue)
    g = selection.gini(revenue)
    ax.plot(lc["accounts_share"], lc["value_share"], color="#1f4e79", linewidth=2, label=f"Gini {g:.2f}")
    ax.fill_between(lc["accounts_share"], lc["value_share"], lc["accounts_share"], color="#bdd7ee", alpha=0.6)
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label=i18n.t("equality", lang))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(i18n.t("accounts_share", lang))
    ax.set_ylabel(i18n.t("cum_share", lang))
    ax.set_title(i18n.t("lorenz_title", lang))
    ax.legend(loc="upper left", frameon=False)
    ax.set_aspect("equal")
    return ax
