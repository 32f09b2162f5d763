"""Step 00 (start here): a tour of the data and the first look at revenue concentration.

Examples
--------
>>> import kamlib
>>> from kamlib.present import overview
>>> data = kamlib.load("data/sample", as_of="2025-12-31")
>>> overview.data_tour(data)["table"].tolist()[:2]
['accounts', 'kams']
"""

from __future__ import annotations

import math

import pandas as pd

from kamlib import i18n, selection
from kamlib.data import schemas
from kamlib.data.readers import KamData


def data_tour(data: KamData, lang: str = "en") -> pd.DataFrame:
    """One row per table of the data model: what it holds, whether it is required, rows in the source."""
    rows = []
    for name in schemas.TABLES:
        rows.append(
            {
                "table": name,
                i18n.t("meaning", lang): i18n.table_meaning(name, lang),
                i18n.t("required", lang): i18n.t("yes" if schemas.TABLES[name].required else "no", lang),
                i18n.t("rows", lang): len(getattr(data, name)) if name in data.available else 0,
            }
        )
    return pd.DataFrame(rows)


def concentration_by_year(data: KamData, lang: str = "en") -> pd.DataFrame:
    """Top-20 % share and Gini of gross revenue per calendar year and for the whole period.

    Every account with orders in the year counts, zero-value ones included (a customer whose orders were
    worth nothing is still a customer, and leaving it out would make the revenue look less concentrated
    than it is); an account without orders in a year, e.g. a lost customer, does not dilute that year.
    """
    orders = data.orders
    rows = []
    years = sorted(orders["date"].dt.year.unique())
    for year in [*years, None]:
        if year is None:
            rev = selection.account_revenue(orders)
            label = f"{years[0]}-{years[-1]}" if years else ""
        else:
            rev = selection.account_revenue(orders, start=f"{year}-01-01", end=f"{year}-12-31")
            label = str(year)
        s = selection.concentration_summary(rev).iloc[0]
        rows.append({i18n.t("year", lang): label, i18n.t("accounts", lang): int(s["accounts"]),
                     i18n.t("total_eur", lang): round(float(s["total_eur"]), 2),
                     i18n.t("top20_share", lang): round(float(s["top20_share"]), 4),
                     i18n.t("gini", lang): round(float(s["gini"]), 4),
                     i18n.t("gini_normalised", lang): round(float(s["gini_normalised"]), 4)})
    return pd.DataFrame(rows)


def concentration_sentence(revenue: pd.Series, *, period: str = "", lang: str = "en") -> str:
    """A sentence stating the top-20 % share and Gini of ``revenue``.

    Every account in ``revenue`` counts, zero values included: pass :func:`kamlib.selection.account_revenue`
    of the orders for every account with orders (missing values are left out).
    """
    rev = revenue.dropna()
    n = len(rev)
    k = max(1, math.ceil(0.2 * n - 1e-9))
    return i18n.t("concentration_sentence", lang).format(
        k=k, n=n, share=i18n.percent(selection.top_share(rev), lang), gini=i18n.number(selection.gini(rev), lang),
        period=period
    ).replace("  ", " ").replace(" ;", ";")
