"""Deterministic synthetic sample data for the KAM Workbook.

The data describe the customers of the fictional *Rheinwerk Antriebstechnik
GmbH*, a German Mittelstand manufacturer of industrial drive and automation
components (gearboxes, motors, controls, sensors, service & spare parts).

:func:`generate` builds 14 tables of the project's data model as pandas
DataFrames; :func:`write` stores them as CSV files with a fixed, byte-stable
format. Everything is drawn from ``numpy.random.default_rng(seed)`` and is
vectorised, so ``generate(n_accounts=100_000)`` stays fast. What it draws from (the names, places,
products, titles and plan texts of the company and its customers) is master data in ``sample.toml`` next to this
module (:data:`MASTER_FILE`), read and checked by :func:`master_data`.

Designed-in stories (ranks refer to the current yearly run-rate, 1 = largest):

* revenue concentration: the top 20 % of accounts hold 80 % of gross revenue
  (calibrated, see :func:`generate`); total ~25 M EUR per year by default;
* rank 1 ("Müller Maschinenbau GmbH") has rows in every table, including an
  open complaint and an overdue open action;
* rank 2 is a big account whose buying center has no ``decider``;
* rank 4 is single-threaded: one contact carries almost all interactions;
* rank 5 is a declining key account; rank 10 and a few mid-size accounts are
  profit destroyers (heavy discounts, tailored service);
* emerging accounts (recent ``since``, strong growth), declining, lost (no
  orders in the last year) and prospect accounts (at most two trial orders);
* "Nordlicht Robotik GmbH" is brand new: five orders, at most two interactions
  and their service costs, nothing else (no KAM, contacts, wallet, targets,
  actions, ratings or complaints);
* small accounts with many small orders are unprofitable after cost-to-serve,
  so the whale curve has profit destroyers;
* accounts with a KAM have an account plan (``account_plans``): the customer's goals and plans, our
  objectives, strategy and USP, the team on both sides (the KAM, colleagues, the customer's most influential
  contacts) and three to five agreed goals due over the last year and the next quarter. A healthy account's
  goals are done or on track; an account in trouble has goals at risk or missed and a plan not reviewed for
  more than six months (as have a tenth of the others), so the linter finds overdue goals there;
* accounts with a KAM have a revenue and margin plan (``targets``) for every quarter
  from the second year of the history to one quarter after ``as_of`` (the plans of
  the years before the last are made from the year before each quarter).

Why accounts decline or leave (the causal story; the health score's backtest in
:mod:`kamlib.backtest` tests whether the signals see it coming). Trouble starts on an
*onset* day, and the revenue follows it, not the other way round:

* **declining accounts** (about 8 %): the decider has turned against us (attitude
  ``opponent``), from the onset the decider is no longer met and three in four other
  contacts do not take place, and a high or critical complaint opened within six
  weeks of the onset stays unresolved for four months to a year. One to five months
  after the onset the orders thin out (to 20-45 % within a year). The declining key
  account (rank 5) has been in this state since before the history begins;
* **lost accounts** (about 4 %): the same signs, then the last order two to eight
  months after the onset;
* **a rough patch** for about a fifth of the KAM accounts (from the smaller half):
  the KAM leaves at the onset (the inside sales team keeps a quarter of the contacts,
  the decider is not met) and a severe complaint stays open; one to five months later
  the account orders at 60 % of its pace for eight to twelve months, and it returns
  to its old pace after a successor KAM has been in touch again for a while.

Business reviews keep a cadence: an account with a KAM holds a QBR every quarter
(one in ten is skipped), except in trouble, from the onset until a successor KAM
takes over: the neglect that comes before the fall.

The trouble draws come from a random stream of their own and move only order dates
(values keep their draws), so an account without trouble keeps its orders, contacts,
interactions, complaints, costs, wallet and targets; only the competitors' shares are
drawn anew for every account (their draws follow the wallet cells of all accounts).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kamlib import periods
from kamlib.data import schemas, writers
from kamlib.data.datafile import DataFile, Entry

__all__ = ["COMPANY", "TABLES", "COLUMNS", "generate", "write"]

#: Table names in canonical order (also the order of :func:`generate`'s dict).
TABLES: tuple[str, ...] = (
    "accounts",
    "kams",
    "products",
    "orders",
    "service_costs",
    "interactions",
    "complaints",
    "contacts",
    "wallet",
    "competitors",
    "targets",
    "actions",
    "ratings",
    "account_plans",
)

#: Column names per table, in file order: the data model's (one home: :func:`kamlib.data.schemas.columns`).
COLUMNS: dict[str, tuple[str, ...]] = {t: tuple(schemas.columns(t)) for t in TABLES}

# --------------------------------------------------------------------------------------
# Master data: the names, places, products and sentences the generator draws from (sample.toml)
# --------------------------------------------------------------------------------------

#: The sample company's master data, next to this module.
MASTER_FILE = DataFile("kamlib.data", "sample.toml")

_Account = tuple[str, int, str, str]  # name, industry index, country, city
#: The kinds of account-plan texts in ``[account_plans]`` (besides ``strategy_trouble`` and ``results``).
_PLAN_TEXTS = (
    "customer_goals",
    "customer_plans",
    "objectives",
    "objectives_trouble",
    "strategies",
    "usps",
    "team_roles",
    "agreed_goals",
)


@dataclass(frozen=True)
class MasterData:
    """``sample.toml`` in the shapes the generator draws from: names in tuples, codes as positions."""

    company: str
    ceo: str
    product_lines: tuple[str, ...]
    line_cogs: np.ndarray  # cost of goods sold as a share of net revenue, per product line
    competitors: tuple[tuple[str, ...], ...]  # per product line
    products: tuple[tuple[str, int, float], ...]  # (name, product line, list price EUR)
    industries: tuple[str, ...]
    industry_p: np.ndarray
    industry_lines: np.ndarray  # Dirichlet base of product-line affinity, per industry
    regions: tuple[str, ...]
    curated: dict[int, _Account]  # by rank, 0 = the largest account
    newcomer: _Account
    units: tuple[str, ...]
    unit_w: np.ndarray
    goals: tuple[tuple[str, str], ...]  # (goal, action)
    owner_roles: tuple[str, ...]
    kam_first: tuple[str, ...]
    kam_last: tuple[str, ...]
    countries: tuple[tuple[str, str, float, tuple[tuple[str, str], ...]], ...]  # code, language, weight, (city, tz)
    forms: dict[str, tuple[str, ...]]  # legal forms per country
    stems: dict[str, tuple[str, ...]]  # per language
    persons: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # per language: first names, last names
    sectors: dict[str, tuple[tuple[str, ...], ...]]  # per language, per industry
    role_p: np.ndarray  # per buying role of the data model
    role_infl: tuple[tuple[int, ...], ...]  # influence range (low, high), inclusive
    titles_de: tuple[tuple[tuple[str, ...], ...], ...]  # (male, female)
    titles_en: tuple[tuple[str, ...], ...]
    plans: dict[str, tuple[str, ...]]  # the account plans' texts by kind (customer_goals, ..., agreed_goals)
    plan_strategy_trouble: str
    plan_results: dict[str, tuple[str, ...]]  # by the status of a finished goal


def _country(c: Entry, languages: dict[str, Entry]) -> tuple[str, float, tuple[tuple[str, str], ...]]:
    """A country's language, weight and cities with their time zones (the country's, unless the city has its own)."""
    c.only("language", "weight", "timezone", "city_timezones", "legal_forms", "cities")
    zone = c.text("timezone")
    own = c.table("city_timezones") if "city_timezones" in c.values else Entry(c.file, c.key, {})
    cities = tuple((city, own.text(city, zone)) for city in c.texts("cities"))
    own.only(*(city for city, _ in cities))
    return c.one_of("language", languages), c.number("weight"), cities


def _sectors(lg: Entry, industries: int) -> tuple[tuple[str, ...], ...]:
    """A language's sector words of company names: one non-empty list per industry, in the order of industries."""
    sectors = lg.arrays("sectors", str)
    if len(sectors) != industries:
        raise lg.error("sectors", f"expected one list per industry ({industries}), got {len(sectors)}")
    for i, words in enumerate(sectors):
        if not words:
            raise lg.error(f"sectors[{i}]", "expected at least one word, got []")
    return sectors


def _curated(rows: list[Entry], account: Callable[[Entry], _Account]) -> dict[int, _Account]:
    """The curated accounts by rank - 1 (0 = the largest): each rank at least 1 and given once."""
    curated: dict[int, _Account] = {}
    for e in rows:
        e.only("rank", "name", "industry", "country", "city")
        rank = e.integer("rank")
        if rank < 1 or rank - 1 in curated:
            raise e.error("rank", f"{rank} is {'below 1' if rank < 1 else 'given twice'}")
        curated[rank - 1] = account(e)
    return curated


#: What the top of ``sample.toml`` and each of its tables hold (a misspelt name is refused, not left unread).
_MASTER_ENTRIES: dict[str, tuple[str, ...]] = {
    "": (
        "company",
        "ceo",
        "product_lines",
        "products",
        "industries",
        "regions",
        "curated",
        "newcomer",
        "business_units",
        "actions",
        "action_owners",
        "kam_first_names",
        "kam_last_names",
        "countries",
        "languages",
        "buying_roles",
        "account_plans",
    ),
    "product_lines": ("name", "cogs", "competitors"),
    "products": ("name", "line", "price"),
    "industries": ("name", "weight", "line_affinity"),
    "newcomer": ("name", "industry", "country", "city"),
    "business_units": ("name", "weight"),
    "actions": ("goal", "action"),
    "languages": ("stems", "first_names", "last_names", "sectors"),
    "buying_roles": ("weight", "influence", "titles_en", "titles_de"),
    "account_plans": (*_PLAN_TEXTS, "strategy_trouble", "results"),
}


def master_data(top: Entry) -> MasterData:
    """The master data of the parsed ``sample.toml``, checked: an unknown entry, a missing key, a wrong type, a
    product line, industry, country or language the file does not define, a line affinity that is not one number per
    product line, a curated rank given twice, sectors that are not one list per industry is a :class:`DataFileError`
    naming the key."""
    known = _MASTER_ENTRIES
    top.only(*known[""])
    rows = {
        name: [e.only(*known[name]) for e in top.rows(name)]
        for name in ("product_lines", "products", "industries", "business_units", "actions")
    }
    lines, industries, units = rows["product_lines"], rows["industries"], rows["business_units"]
    line_names = tuple(e.text("name") for e in lines)
    industry_names = tuple(e.text("name") for e in industries)
    countries, languages, roles = top.tables("countries"), top.tables("languages"), top.tables("buying_roles")
    for lg in languages.values():
        lg.only(*known["languages"])
    for role in roles.values():
        role.only(*known["buying_roles"])
    if tuple(roles) != schemas.BUYING_ROLES:
        raise top.error("buying_roles", f"expected the data model's roles {list(schemas.BUYING_ROLES)}")

    def account(e: Entry) -> _Account:
        industry = industry_names.index(e.one_of("industry", industry_names))
        return e.text("name"), industry, e.one_of("country", countries), e.text("city")

    plans = top.table("account_plans").only(*known["account_plans"])
    results = plans.table("results").only("done", "missed", "dropped")  # the statuses of a finished goal
    english = languages["en"].values if "en" in languages else {}
    if any("sectors" not in c.values for c in languages.values()) and "sectors" not in english:
        raise top.error("languages.en.sectors", "missing (a language without sectors uses the English ones)")
    return MasterData(
        company=top.text("company"),
        ceo=top.text("ceo"),
        product_lines=line_names,
        line_cogs=np.array([e.number("cogs") for e in lines]),
        competitors=tuple(e.texts("competitors") for e in lines),
        products=tuple(
            (e.text("name"), line_names.index(e.one_of("line", line_names)), e.number("price"))
            for e in rows["products"]
        ),
        industries=industry_names,
        industry_p=np.array([e.number("weight") for e in industries]),
        industry_lines=np.array([e.array("line_affinity", float, len(lines)) for e in industries]),
        regions=top.texts("regions"),
        curated=_curated(top.rows("curated"), account),
        newcomer=account(top.table("newcomer").only(*known["newcomer"])),
        units=tuple(e.text("name") for e in units),
        unit_w=np.array([e.number("weight") for e in units]),
        goals=tuple((e.text("goal"), e.text("action")) for e in rows["actions"]),
        owner_roles=top.texts("action_owners"),
        kam_first=top.texts("kam_first_names"),
        kam_last=top.texts("kam_last_names"),
        countries=tuple((code, *_country(c, languages)) for code, c in countries.items()),
        forms={code: c.texts("legal_forms") for code, c in countries.items()},
        stems={lg: c.texts("stems") for lg, c in languages.items()},
        persons={lg: (c.texts("first_names"), c.texts("last_names")) for lg, c in languages.items()},
        sectors={lg: _sectors(c, len(industries)) for lg, c in languages.items() if "sectors" in c.values},
        role_p=np.array([r.number("weight") for r in roles.values()]),
        role_infl=tuple(r.array("influence", int, 2) for r in roles.values()),
        titles_de=tuple(r.arrays("titles_de", str, 2) for r in roles.values()),
        titles_en=tuple(r.texts("titles_en") for r in roles.values()),
        plans={kind: plans.texts(kind) for kind in _PLAN_TEXTS},
        plan_strategy_trouble=plans.text("strategy_trouble"),
        plan_results={status: results.texts(status) for status in results.values},
    )


_MASTER = master_data(MASTER_FILE.read())

COMPANY = _MASTER.company
PRODUCT_LINES = _MASTER.product_lines
_L_SENS, _L_SERV = PRODUCT_LINES.index("Sensorik"), PRODUCT_LINES.index("Service & Ersatzteile")  # the cheap lines
INDUSTRIES = _MASTER.industries
_LANGS: tuple[str, ...] = tuple(_MASTER.persons)

BUYING_ROLES = schemas.BUYING_ROLES  # the data model's vocabulary (one home: kamlib.data.schemas)
_R_DECIDER, _R_APPROVER = BUYING_ROLES.index("decider"), BUYING_ROLES.index("approver")
ATTITUDES = schemas.ATTITUDES  # the data model's vocabulary (one home: kamlib.data.schemas)
STAGES = schemas.RELATIONSHIP_STAGES  # the data model's vocabulary (one home: kamlib.data.schemas)
STATUSES = schemas.ACCOUNT_STATUS  # the data model's vocabulary (one home: kamlib.data.schemas)
INTERACTION_TYPES = schemas.INTERACTION_TYPES  # the data model's vocabulary (one home: kamlib.data.schemas)
_MEETING, _QBR = INTERACTION_TYPES.index("meeting"), INTERACTION_TYPES.index("qbr")
SEVERITIES = schemas.SEVERITIES  # the data model's vocabulary (one home: kamlib.data.schemas)
COMPLAINT_CATEGORIES: tuple[str, ...] = ("delivery", "quality", "invoice", "service")
COST_CATEGORIES = schemas.COST_CATEGORIES  # the data model's vocabulary (one home: kamlib.data.schemas)
ACTION_STATUSES = schemas.ACTION_STATUS  # the data model's vocabulary (one home: kamlib.data.schemas)
RATERS: tuple[str, ...] = ("GF", "Vertrieb", "Controlling", "Service")
CRITERIA = schemas.CRITERIA  # the data model's vocabulary (one home: kamlib.data.schemas)

_KEY, _NORMAL, _EMERGING, _DECLINING, _LOST, _PROSPECT = range(6)
_TOP_SHARE_TARGET = 0.80
_EUR_PER_ACCOUNT_YEAR = 25e6 / 240  # ~25 M EUR/year for the default 240 accounts
_SEASON = np.array([0.9, 1.0, 1.1, 1.0, 1.0, 1.05, 0.95, 0.8, 1.1, 1.05, 1.1, 0.85])


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def _ids(prefix: str, n: int, width: int) -> pa.Array:
    """``prefix`` + 1..n zero-padded to ``width`` (or more digits if needed)."""
    width = max(width, len(str(n)))
    nums = pa.array(np.arange(1, n + 1, dtype=np.int64)).cast(pa.string())
    return pc.binary_join_element_wise(pa.scalar(prefix), pc.utf8_lpad(nums, width, "0"), pa.scalar(""))


def _take(labels: pa.Array | np.ndarray | tuple | list, codes: np.ndarray) -> pd.Series:
    """Strings ``labels[codes]`` as a pandas string column (code -1 means missing)."""
    if not isinstance(labels, pa.Array):
        labels = pa.array([str(v) for v in labels], type=pa.string())
    codes = np.asarray(codes, dtype=np.int64)
    return pc.take(labels, pa.array(codes, mask=codes < 0)).to_pandas()


def _str(values: np.ndarray | list | pa.Array) -> pd.Series:
    if not isinstance(values, pa.Array):
        values = pa.array([str(v) for v in values], type=pa.string())
    return values.to_pandas()


def _dates(start: np.datetime64, days: np.ndarray) -> pd.Series:
    """Day offsets from ``start`` as a datetime64[us] column (negative offset -> NaT)."""
    days = np.asarray(days, dtype=np.int64)
    out = (start + days.astype("timedelta64[D]")).astype("datetime64[us]")
    out[days == np.iinfo(np.int64).min] = np.datetime64("NaT")
    return pd.Series(out)


def _power_alpha(values: np.ndarray, target: float) -> float:
    """Exponent a with top-20 % share of values**a == target (bisection)."""
    v = np.sort(np.asarray(values, dtype=float))[::-1]  # x**a keeps the order
    k = max(1, math.ceil(0.2 * len(v)))
    logv = np.log(v[v > 0])
    logv -= logv[0]  # avoid overflow

    def share(a: float) -> float:
        w = np.exp(a * logv)
        return float(w[:k].sum() / w.sum())

    lo, hi = 0.05, 8.0
    if share(lo) > target:
        return lo
    if share(hi) < target:
        return hi
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if share(mid) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _group_starts(counts: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)


def _local_index(counts: np.ndarray) -> np.ndarray:
    """0..count-1 within each group of a repeated array."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(_group_starts(counts), counts)


def _choose_in_groups(
    rng: np.random.Generator, weights: np.ndarray, counts: np.ndarray, group: np.ndarray
) -> np.ndarray:
    """For each event of ``group`` pick an element of that group, prob. ~ weights.

    ``weights`` are laid out group after group (``counts`` per group); ``group`` holds
    the group number (0..len(counts)-1) of each event. Returns global element indices.
    """
    starts = _group_starts(counts)
    gsum = np.add.reduceat(weights, starts) if len(weights) else np.zeros(0)
    norm = weights / np.repeat(gsum, counts)
    cum = np.cumsum(norm)
    target = group + rng.random(len(group)) * 0.999999
    # cum is ~ g+1 at the end of group g; the clip below absorbs floating drift
    idx = np.searchsorted(cum, target, side="right")
    lo = starts[group]
    hi = lo + counts[group] - 1
    return np.clip(idx, lo, hi)


def _shift_weekend(
    rng: np.random.Generator, days: np.ndarray, start: np.datetime64, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Move Saturdays/Sundays to a random weekday of the same week (next week at ``lo``)."""
    dow = (days + (start - np.datetime64("1970-01-05", "D")).astype(np.int64)) % 7  # 0=Mon
    wd = rng.integers(0, 5, len(days))
    weekend = dow >= 5
    out = np.where(weekend, days - dow + wd, days)
    out = np.where(weekend & (out < lo), days - dow + 7 + wd, out)
    return np.clip(out, lo, hi)


def _quarter_index(start: np.datetime64, days: np.ndarray) -> np.ndarray:
    """Absolute quarter number (year*4 + quarter-1) of day offsets."""
    months = (start + days.astype("timedelta64[D]")).astype("datetime64[M]").astype(np.int64)
    return (months // 12 + 1970) * 4 + (months % 12) // 3


def _quarter_labels(aq: np.ndarray) -> np.ndarray:
    return np.array([f"{q // 4}Q{q % 4 + 1}" for q in aq.tolist()], dtype=object)


# --------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------


def _sorted_by(key: np.ndarray, *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """``arrays`` (each as long as ``key``) reordered by ``key`` ascending; stable, so ties keep their order (the
    tables' rows by day, then account: ``key = day * n + account``)."""
    order = np.argsort(key, kind="stable")
    return tuple(a[order] for a in arrays)


def generate(
    seed: int = 2025,
    n_accounts: int = 240,
    years: int = 3,
    as_of: str = "2025-12-31",
    order_scale: float = 1.0,
) -> dict[str, pd.DataFrame]:
    """Generate the synthetic KAM sample data set.

    Customers of the fictional *Rheinwerk Antriebstechnik GmbH*: accounts with a
    heavy-tailed (log-normal) size distribution, orders over ``years`` years
    ending at ``as_of``, cost-to-serve, KAM activities, buying centers, share of
    wallet, competitors, targets, action plans and portfolio ratings.

    The top 20 % of accounts (``ceil(0.2 * n_accounts)`` accounts, zero-revenue
    accounts included) are calibrated to hold 80 % of total gross revenue.

    Parameters
    ----------
    seed : int, default 2025
        Seed for ``numpy.random.default_rng``; the only source of randomness. The
        same arguments always give identical DataFrames.
    n_accounts : int, default 240
        Number of customer accounts (at least 10). Other tables scale with it;
        the number of KAMs grows with its cube root.
    years : int, default 3
        Length of the order history in years, ending at ``as_of``.
    as_of : str, default "2025-12-31"
        Reference date (ISO). No order, interaction, complaint or ``since`` lies
        after it; only ``actions.due`` and ``targets.period`` may.
    order_scale : float, default 1.0
        Multiplies how often every account orders: more and smaller order lines,
        the same revenue. For load tests (100,000 accounts with ``order_scale=3.6``
        give about 10 million order lines); 1.0 keeps the sample unchanged.

    Returns
    -------
    dict[str, pandas.DataFrame]
        One DataFrame per table in :data:`TABLES` order, columns as in
        :data:`COLUMNS`. Dates are ``datetime64[us]`` (``NaT`` when missing),
        money is float rounded to cents, shares to 4 decimals, missing strings
        are ``NaN``.

    Raises
    ------
    ValueError
        If ``n_accounts < 10`` or ``years < 1``.

    See Also
    --------
    write : store the tables as byte-stable CSV files.

    Examples
    --------
    >>> from kamlib.data.sample import generate
    >>> tables = generate(seed=7, n_accounts=60)
    >>> list(tables)[:4]
    ['accounts', 'kams', 'products', 'orders']
    >>> len(tables["accounts"])
    60
    >>> bool(tables["orders"]["date"].max() <= pd.Timestamp("2025-12-31"))
    True
    >>> tables["kams"]["level"].value_counts()["ceo"]
    np.int64(1)
    """
    if n_accounts < 10:
        raise ValueError("n_accounts must be at least 10")
    if years < 1:
        raise ValueError("years must be at least 1")
    if not 0.1 <= order_scale <= 100:
        raise ValueError("order_scale must lie between 0.1 and 100")
    n = int(n_accounts)
    root = np.random.default_rng(seed)
    (r_acc, r_ord, r_kam, r_con, r_int, r_cmp, r_svc, r_wal, r_tgt, r_act, r_rat, r_name) = root.spawn(12)
    # the trouble stories and the plans of earlier years: streams of their own, so the others draw as before
    (r_trb, r_plan, r_qbr) = root.spawn(3)
    (r_acp,) = root.spawn(1)  # the account plans: a stream of their own, so every other table draws as before

    end_ts = pd.Timestamp(as_of).normalize()
    start_ts, _ = periods.trailing_months(end_ts, 12 * years)  # ``years`` whole years up to as_of
    end = np.datetime64(end_ts.date(), "D")
    start = np.datetime64(start_ts.date(), "D")
    D = int((end - start).astype(np.int64)) + 1  # days in period, day index 0..D-1
    last = D - 1

    # ---------------------------------------------------------------- accounts: core
    z = r_acc.standard_normal(n)
    size0 = np.exp(1.7 * z)
    order = np.argsort(-size0, kind="stable")  # account index by size rank
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)

    arch = np.full(n, _NORMAL, dtype=np.int64)
    n_key = max(2, round(0.08 * n))
    arch[order[:n_key]] = _KEY

    def band(lo: float, hi: float) -> np.ndarray:
        idx = order[int(lo * n) : max(int(lo * n) + 1, int(hi * n))]
        return idx[arch[idx] == _NORMAL]

    def pick(cands: np.ndarray, k: int) -> np.ndarray:
        k = min(k, len(cands))
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        return np.sort(r_acc.choice(cands, size=k, replace=False))

    arch[pick(band(0.10, 0.50), max(2, round(0.05 * n)))] = _EMERGING
    arch[pick(band(0.08, 0.85), max(2, round(0.08 * n)))] = _DECLINING
    arch[pick(band(0.30, 0.95), max(1, round(0.04 * n)))] = _LOST
    arch[pick(band(0.50, 1.00), max(1, round(0.03 * n)))] = _PROSPECT
    n_cand = max(3, round(0.25 * n))
    # the brand-new account with almost no data: outside the candidate ranks
    late = order[n_cand:]
    pool = late[arch[late] == _EMERGING]
    if len(pool) == 0:
        pool = late[arch[late] == _NORMAL]
    sparse = int(pool[0]) if len(pool) else int(order[-1])
    arch[sparse] = _EMERGING
    top = int(order[0])  # the largest account: rows in every table
    declining_key = int(order[min(4, n_key - 1)]) if n_key >= 4 else -1
    # profit destroyers: a large account (rank 10) and a few mid-size ones with heavy
    # discounts and tailored engineering/service
    demanding = int(order[min(9, n - 1)])
    mid = order[int(0.05 * n) : max(int(0.05 * n) + 1, int(0.4 * n))]
    mid = mid[(arch[mid] == _NORMAL) | (arch[mid] == _DECLINING)]
    destroyers = np.union1d(pick(mid, max(1, round(0.03 * n))), [demanding])

    growth = np.select(
        [arch == _KEY, arch == _EMERGING, arch == _DECLINING, arch == _LOST],
        [
            r_acc.normal(0.04, 0.04, n),
            r_acc.uniform(0.55, 1.0, n),
            r_acc.uniform(-0.55, -0.2, n),
            r_acc.normal(-0.1, 0.1, n),
        ],
        default=r_acc.normal(0.02, 0.10, n),
    )
    growth[arch == _PROSPECT] = 0.0
    if declining_key >= 0:
        growth[declining_key] = -0.4

    def day_of(s: str) -> int:
        return int((np.datetime64(s, "D") - start).astype(np.int64))

    def uni(lo: int, hi: int) -> np.ndarray:
        return r_acc.integers(lo, max(lo, hi) + 1, n)

    recent = r_acc.random(n) < 0.2
    since = np.select(
        [arch == _KEY, arch == _DECLINING, arch == _LOST, arch == _EMERGING, arch == _PROSPECT, recent],
        [
            uni(day_of("1985-01-01"), day_of("2012-12-31")),
            uni(day_of("1990-01-01"), -1),
            uni(day_of("1998-01-01"), -1),
            last - uni(int(1.3 * 365), int(2.6 * 365)),
            last - uni(30, 500),
            uni(0, last - 180),
        ],
        default=uni(day_of("1992-01-01"), -1),
    )
    since[sparse] = last - int(r_acc.integers(90, 151))
    since = np.minimum(since, last)

    lo_day = np.maximum(since, 0)
    hi_day = np.full(n, last, dtype=np.int64)
    is_lost = arch == _LOST
    gap = uni(372, max(372, D - 90))
    hi_day[is_lost] = last - gap[is_lost]
    is_pros = arch == _PROSPECT
    lo_day[is_pros] = np.maximum(lo_day[is_pros], last - 180)
    span = np.maximum(hi_day - lo_day + 1, 0)  # active days

    def integral(r: np.ndarray, length: np.ndarray) -> np.ndarray:
        """Years-weighted integral of exp(r (t - end)) over the window, in years."""
        ly = length / 365.25
        small = np.abs(r * ly) < 1e-9
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            val = -np.expm1(-r * ly) / np.where(r == 0, 1.0, r)
        return np.where(small, ly, val)

    exp_rel = size0 * integral(growth, span)
    exp_rel[is_pros | (span == 0)] = 0.0
    alpha = _power_alpha(exp_rel, _TOP_SHARE_TARGET)
    target_total = _EUR_PER_ACCOUNT_YEAR * n * years
    logv = np.log(np.maximum(exp_rel, 1e-300))
    powv = np.where(exp_rel > 0, np.exp(alpha * (logv - logv.max())), 0.0)
    expected = powv * (target_total / powv.sum())  # EUR over the period
    # run-rate (EUR/year at the end of the active window), also for prospects/lost
    fac = np.where(exp_rel > 0, expected / np.maximum(exp_rel, 1e-300), np.nan)
    med_fac = np.nanmedian(fac)
    runrate = size0 * np.where(np.isnan(fac), med_fac, fac)

    # industry / country (curated names for some top accounts fix both)
    industry = r_acc.choice(len(INDUSTRIES), size=n, p=_MASTER.industry_p)
    c_codes = np.array([c[0] for c in _MASTER.countries])
    c_p = np.array([c[2] for c in _MASTER.countries])
    country = r_acc.choice(len(_MASTER.countries), size=n, p=c_p / c_p.sum())
    city_u = r_acc.random(n)
    curated_by_acc: dict[int, tuple[str, int, str, str]] = {}
    for rk in sorted(_MASTER.curated):
        if rk < n and int(order[rk]) != sparse:
            curated_by_acc[int(order[rk])] = _MASTER.curated[rk]
    curated_by_acc[sparse] = _MASTER.newcomer
    cidx = {c[0]: i for i, c in enumerate(_MASTER.countries)}
    for a, (_nm, ind, cc, _city) in curated_by_acc.items():
        industry[a] = ind
        country[a] = cidx[cc]

    # ------------------------------------------------------------------- orders
    years_active = span / 365.25
    rev_year = np.where(span > 0, expected / np.maximum(years_active, 1e-9), 0.0)
    rate = np.minimum(150.0, 4.0 + 3.0 * (rev_year / 1e4) ** 0.45)
    if order_scale != 1.0:
        rate = rate * order_scale
    n_ord = r_ord.poisson(rate * years_active)
    n_ord = np.where(span > 0, np.maximum(n_ord, 1), 0)
    trial = r_ord.random(n) < 0.35
    n_ord[is_pros] = np.where(trial[is_pros], r_ord.integers(1, 3, is_pros.sum()), 0)
    expected[is_pros] = n_ord[is_pros] * r_ord.uniform(600, 4000, is_pros.sum())
    n_ord[sparse] = 5
    M = int(n_ord.sum())

    acc = np.repeat(np.arange(n), n_ord)
    # stratified draws: an account's orders are spread evenly over its window
    u = (_local_index(n_ord) + r_ord.random(M)) / np.maximum(n_ord[acc], 1)
    r_d = growth[acc] / 365.25
    L = span[acc].astype(float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        x = np.log1p(u * np.expm1(r_d * L)) / np.where(r_d == 0, 1.0, r_d)
    x = np.where(np.abs(r_d * L) < 1e-9, u * L, x)
    day = lo_day[acc] + np.clip(np.floor(x).astype(np.int64), 0, np.maximum(span[acc] - 1, 0))
    day = _shift_weekend(r_ord, day, start, lo_day[acc], hi_day[acc])
    month = (start + day.astype("timedelta64[D]")).astype("datetime64[M]").astype(np.int64) % 12

    # trouble (see the module docstring): the first warning sign at ``onset``, quiet contacts up to ``quiet_to``.
    # A declining account orders at its old pace until ``fall_from`` (one to five months after the onset), then
    # its orders thin out fast; a lost account's last order comes two to eight months after the onset; a
    # key account in a rough patch orders at 60 % of its pace from ``fall_from`` to ``recover_from`` and then as
    # before (its successor KAM is in touch again from ``quiet_to``). Only the order dates move; the order values above keep their draws.
    eligible = order[(~is_lost[order]) & (order != sparse)]
    cand_order = eligible[:n_cand]  # candidates (contacts, wallet...): top accounts by run-rate, active or prospect
    n_kacc = max(2, round(0.08 * n))
    kam_accs = [int(a) for a in cand_order if arch[a] != _PROSPECT][:n_kacc]
    troubled = ((arch == _DECLINING) | is_lost) & (span > 0)
    if declining_key >= 0:
        troubled[declining_key] = True  # its decline runs through the whole history: so do its warning signs
    # a rough patch hits the smaller half of the KAM accounts (the curated top and the profit destroyer excepted)
    dip_pool = np.array([a for a in kam_accs[len(kam_accs) // 2 :] if rank[a] >= 5 and a != demanding], dtype=np.int64)
    dip = np.zeros(n, dtype=bool)
    dip[np.sort(r_trb.choice(dip_pool, min(len(dip_pool), max(1, round(n_kacc / 5))), replace=False))] = True
    troubled |= dip
    troubled[[top, sparse]] = False
    dip &= troubled
    dec = troubled & ~is_lost & ~dip
    onset = np.full(n, -1, dtype=np.int64)
    onset[dec] = np.maximum(r_trb.integers(90, max(91, last - 520), n), lo_day)[dec]
    onset[troubled & is_lost] = np.maximum(hi_day - r_trb.integers(60, 240, n), lo_day)[troubled & is_lost]
    onset[dip] = np.maximum(r_trb.integers(180, max(181, last - 690), n), lo_day)[dip]
    if declining_key >= 0 and troubled[declining_key]:
        onset[declining_key] = lo_day[declining_key]
    fall_from = onset + r_trb.integers(30, 150, n)
    recover_from = fall_from + r_trb.integers(240, 361, n)
    quiet_to = np.where(dip, fall_from + r_trb.integers(90, 181, n), last + 1)  # a successor KAM takes over
    k_fall = r_trb.uniform(0.8, 1.6, n) / 365.25  # per day: a year after the fall starts, 20-45 % are left
    reshaped = (dec | dip) & (np.arange(n) != declining_key)
    m_re = reshaped[acc]
    if m_re.any():
        a_r = acc[m_re]
        L = span[a_r].astype(float)
        f0 = np.clip(fall_from[a_r] - lo_day[a_r], 0, L).astype(float)
        f1 = np.clip(recover_from[a_r] - lo_day[a_r], f0, L).astype(float)
        kd = k_fall[a_r]
        is_dip = dip[a_r]
        low = 0.6
        tail = np.where(is_dip, low * (f1 - f0) + (L - f1), -np.expm1(-kd * (L - f0)) / kd)
        mass = u[m_re] * (f0 + tail)
        rest = np.clip(kd * (mass - f0), 0.0, 1 - 1e-12)
        x_dec = f0 - np.log1p(-rest) / kd
        x_dip = np.where(mass - f0 <= low * (f1 - f0), f0 + (mass - f0) / low, f1 + (mass - f0 - low * (f1 - f0)))
        x_new = np.where(mass <= f0, mass, np.where(is_dip, x_dip, x_dec))
        d_new = lo_day[a_r] + np.clip(np.floor(x_new).astype(np.int64), 0, span[a_r] - 1)
        dow = (d_new + (start - np.datetime64("1970-01-05", "D")).astype(np.int64)) % 7  # 0=Mon
        d_new = np.where(dow == 5, d_new - 1, np.where(dow == 6, d_new + 1, d_new))  # Sat->Fri, Sun->Mon
        day[m_re] = np.clip(d_new, lo_day[a_r], hi_day[a_r])

    # product lines: industry affinity, white space for smaller accounts
    aff = r_acc.gamma(_MASTER.industry_lines[industry] * 1.5)
    keep_p = np.clip(0.45 + 0.5 * (1 - rank / n), 0.3, 0.97)
    keep = r_acc.random((n, 5)) < keep_p[:, None]
    keep[np.arange(n), np.argmax(aff, axis=1)] = True
    aff = np.where(keep, aff, 0.0)
    aff /= aff.sum(axis=1, keepdims=True)
    cum_aff = np.cumsum(aff, axis=1)

    sigma = np.where(arch == _KEY, 0.35, 0.5)[acc]  # key accounts order more steadily
    noise = np.exp(r_ord.normal(0.0, 1.0, M) * sigma - 0.5 * sigma**2)
    value = expected[acc] / np.maximum(n_ord[acc], 1) * _SEASON[month] * noise
    u_line = r_ord.random(M)
    line = np.zeros(M, dtype=np.int64)
    for k in range(4):
        line += u_line > cum_aff[acc, k]
    line = np.minimum(line, 4)
    prod_line = np.array([p[1] for p in _MASTER.products])
    prod_price = np.array([p[2] for p in _MASTER.products])
    min_price = np.array([prod_price[prod_line == k].min() for k in range(5)])
    cheap = value < 0.7 * min_price[line]
    line[cheap] = np.where(r_ord.random(int(cheap.sum())) < 0.5, _L_SENS, _L_SERV)

    price_factor = np.exp(r_acc.normal(0.0, 0.05, n))
    product = np.zeros(M, dtype=np.int64)
    u_prod = r_ord.random(M)
    for k in range(5):
        ids_k = np.flatnonzero(prod_line == k)
        ids_k = ids_k[np.argsort(prod_price[ids_k], kind="stable")]
        m = line == k
        cap = np.searchsorted(prod_price[ids_k], value[m] * 1.5 / price_factor[acc[m]], side="right")
        cap = np.clip(cap, 1, len(ids_k))
        product[m] = ids_k[np.minimum((u_prod[m] * cap).astype(np.int64), cap - 1)]
    unit_price = prod_price[product] * price_factor[acc]
    quantity = np.maximum(1, np.rint(value / unit_price)).astype(np.int64)
    gross = quantity * unit_price

    # exact calibration of the revenue concentration (per-account price level)
    realized = np.bincount(acc, weights=gross, minlength=n)
    a2 = _power_alpha(realized, _TOP_SHARE_TARGET)
    pos = realized > 0
    lr = np.zeros(n)
    lr[pos] = np.log(realized[pos])
    pw = np.where(pos, np.exp(a2 * (lr - lr[pos].max())), 0.0)
    new_total = pw * (target_total / pw.sum())
    scale = np.where(pos, new_total / np.where(pos, realized, 1.0), 1.0)
    gross = np.maximum(np.round(gross * scale[acc], 2), 1.0)

    disc_acc = np.clip(0.03 + 0.025 * np.log10(np.maximum(runrate, 1e3) / 1e4) + r_acc.normal(0, 0.015, n), 0.0, 0.2)
    disc_acc[destroyers] += 0.07
    disc = np.clip(disc_acc[acc] + r_ord.normal(0, 0.01, M), 0.0, 0.3)
    disc[disc < 0.005] = 0.0
    discount = np.minimum(np.round(gross * disc, 2), gross)
    net = gross - discount
    cogs_rate = np.clip(_MASTER.line_cogs[line] + r_ord.normal(0, 0.03, M), 0.42, 0.72)
    cogs = np.round(net * cogs_rate, 2)

    unit_rank = np.argsort(
        -(np.log(_MASTER.unit_w)[None, :] + r_acc.gumbel(size=(n, len(_MASTER.units)))), axis=1, kind="stable"
    )[:, :4]
    n_units = np.where(
        rank < 0.1 * n,
        r_acc.integers(3, 5, n),
        np.where(rank < 0.4 * n, r_acc.integers(2, 4, n), r_acc.integers(1, 3, n)),
    )
    n_units[order[0]] = 4
    local_unit = np.minimum((n_units[acc] * r_ord.random(M) ** 1.6).astype(np.int64), n_units[acc] - 1)
    unit = unit_rank[acc, local_unit]

    acc, day, product, unit, quantity, gross, discount, cogs, line = _sorted_by(
        day * n + acc, acc, day, product, unit, quantity, gross, discount, cogs, line
    )

    # ------------------------------------------------------------------- names etc.
    name_obj = np.empty(n, dtype=object)
    city_obj = np.empty(n, dtype=object)
    tz_obj = np.empty(n, dtype=object)
    for i in range(n):
        cities = _MASTER.countries[country[i]][3]
        city_obj[i], tz_obj[i] = cities[int(city_u[i] * len(cities))]
    for a, (_name, _industry, cc, city) in curated_by_acc.items():
        tzs = dict(_MASTER.countries[cidx[cc]][3])
        city_obj[a], tz_obj[a] = city, tzs[city]
    lang = np.array([_MASTER.countries[c][1] for c in country.tolist()], dtype=object)
    name_obj[:] = _company_names(r_name, industry, country, c_codes, lang)
    cur_idx = np.array(sorted(curated_by_acc), dtype=np.int64)
    name_obj[cur_idx] = [curated_by_acc[a][0] for a in cur_idx.tolist()]
    is_cur = np.zeros(n, dtype=bool)
    is_cur[cur_idx] = True
    cur_names = [curated_by_acc[a][0] for a in cur_idx.tolist()]

    def name_dups() -> np.ndarray:
        ser = pd.Series(name_obj)
        return np.flatnonzero((ser.duplicated().to_numpy() | ser.isin(cur_names).to_numpy()) & ~is_cur)

    for attempt in range(14):
        d = name_dups()
        if not len(d):
            break
        if attempt < 10:
            name_obj[d] = _company_names(r_name, industry[d], country[d], c_codes, lang[d], complex_only=True)
        elif attempt == 10:  # very large n: tell twins apart by their city
            name_obj[d] = [f"{name_obj[i]} ({city_obj[i]})" for i in d.tolist()]
        else:
            nth = pd.Series(name_obj).groupby(pd.Series(name_obj)).cumcount().to_numpy()
            name_obj[d] = [f"{name_obj[i]} ({nth[i] + 1})" for i in d.tolist()]
    if len(name_dups()):  # pragma: no cover - defensive
        raise RuntimeError("could not make account names unique")

    # the customer's own size, correlated with (but much larger than) our business
    rel = np.log(np.maximum(runrate, 1.0) / np.median(runrate))
    cust_rev = np.round(
        np.maximum(np.exp(np.log(2.5e7) + 0.6 * rel + r_acc.normal(0.0, 0.8, n)), np.maximum(runrate * 20, 5e5)), -3
    )
    employees = np.maximum(5, np.rint(cust_rev / r_acc.uniform(1.5e5, 3.2e5, n))).astype(np.int64)
    ref = np.clip(np.rint(1 + 4 * (1 - rank / n) ** 2 + r_acc.normal(0, 0.8, n)), 1, 5)
    stage_p = {
        _KEY: [0, 0, 0.3, 0.45, 0.25],
        _EMERGING: [0, 0.5, 0.5, 0, 0],
        _DECLINING: [0.1, 0.5, 0.4, 0, 0],
        _LOST: [0.5, 0.5, 0, 0, 0],
        _PROSPECT: [1.0, 0, 0, 0, 0],
    }
    stage = np.zeros(n, dtype=np.int64)
    u_stage = r_acc.random(n)
    for i_arch in (_KEY, _NORMAL, _EMERGING, _DECLINING, _LOST, _PROSPECT):
        if i_arch == _NORMAL:
            for m_, p in ((rank < 0.3 * n, [0, 0.3, 0.6, 0.1, 0]), (rank >= 0.3 * n, [0.3, 0.6, 0.1, 0, 0])):
                m_ = m_ & (arch == _NORMAL)
                stage[m_] = np.searchsorted(np.cumsum(p), u_stage[m_], side="right")
        else:
            m_ = arch == i_arch
            stage[m_] = np.searchsorted(np.cumsum(stage_p[i_arch]), u_stage[m_], side="right")
    stage = np.minimum(stage, 4)
    stage[sparse] = 0
    status = np.where(is_lost, 2, np.where(is_pros, 1, 0))

    # ---------------------------------------------------------------- KAMs
    n_kam = max(4, round(6 * (n / 240) ** (1 / 3)))
    n_sen = max(1, round(0.4 * (n_kam - 1)))
    level = np.array([2] + [1] * n_sen + [0] * (n_kam - 1 - n_sen))  # 0 jr, 1 sr, 2 ceo
    capacity = np.where(level == 2, 8, np.where(level == 1, r_kam.integers(3, 6, n_kam), r_kam.integers(2, 4, n_kam)))
    kam_names = [_MASTER.ceo]
    combos = [f"{first} {last}" for first in _MASTER.kam_first for last in _MASTER.kam_last]
    perm = r_kam.permutation(len(combos))
    kam_names += [combos[i] for i in perm[: n_kam - 1]]

    cand_mask = np.zeros(n, dtype=bool)  # the candidates (cand_order) and KAM accounts (kam_accs): see the orders
    cand_mask[cand_order] = True
    legacy_pool = order[int(0.5 * n) :]
    legacy_pool = legacy_pool[(arch[legacy_pool] == _NORMAL) & (legacy_pool != sparse)]
    legacy = pick(legacy_pool, round(0.015 * n))
    kam_of = np.full(n, -1, dtype=np.int64)
    load = np.zeros(n_kam)
    ceo_n = min(5, len(kam_accs))
    for a in kam_accs[:ceo_n]:
        kam_of[a] = 0
        load[0] += 1
    jitter = r_kam.random(len(kam_accs) + len(legacy)) * 0.3
    for j, a in enumerate(kam_accs[ceo_n:] + [int(x) for x in legacy]):
        ratio = (load[1:] + jitter[j] * r_kam.random(n_kam - 1)) / capacity[1:]
        # bigger accounts prefer seniors: juniors get a penalty for the top half
        if j < len(kam_accs) // 2:
            ratio = ratio + np.where(level[1:] == 0, 0.5, 0.0)
        k = int(np.argmin(ratio)) + 1
        kam_of[a] = k
        load[k] += 1
    has_kam = kam_of >= 0

    # ---------------------------------------------------------------- contacts
    c_accs = cand_order  # rank order; contacts are listed by account id below
    c_accs = np.sort(c_accs)
    n_c = np.clip(
        2 + np.rint(1.2 * np.log(np.maximum(runrate[c_accs], 1e4) / 1e4)) + r_con.poisson(1.0, len(c_accs)), 2, 9
    ).astype(np.int64)
    no_decider = int(order[1])
    single = int(order[min(3, n_cand - 1)])
    n_c[c_accs == top] = np.maximum(n_c[c_accs == top], 6)
    n_c[c_accs == single] = np.maximum(n_c[c_accs == single], 4)
    C = int(n_c.sum())
    con_acc = np.repeat(c_accs, n_c)
    con_j = _local_index(n_c)
    role = np.searchsorted(np.cumsum(_MASTER.role_p), r_con.random(C), side="right")
    role = np.minimum(role, len(BUYING_ROLES) - 1)
    first_dec = r_con.random(C) < 0.85
    role = np.where((con_j == 0) & first_dec, _R_DECIDER, role)
    role[(con_acc == top) & (con_j == 0)] = _R_DECIDER
    role[(con_acc == no_decider) & (role == _R_DECIDER)] = _R_APPROVER
    lo_i = np.array([r[0] for r in _MASTER.role_infl])
    hi_i = np.array([r[1] for r in _MASTER.role_infl])
    influence = lo_i[role] + (r_con.random(C) * (hi_i[role] - lo_i[role] + 1)).astype(np.int64)
    att_p = np.where(arch[con_acc] == _KEY, 0, 1)
    u_att = r_con.random(C)
    attitude = np.where(
        att_p == 0,
        np.searchsorted([0.25, 0.65, 0.9], u_att, side="right"),
        np.searchsorted([0.12, 0.45, 0.85], u_att, side="right"),
    )
    # trouble: a declining or lost account's decider has turned against us (a rough patch has passed)
    attitude[(role == _R_DECIDER) & troubled[con_acc] & ~dip[con_acc]] = ATTITUDES.index("opponent")
    con_lang = lang[con_acc]
    con_names = np.empty(C, dtype=object)
    titles = np.empty(C, dtype=object)
    u_f, u_l, u_t = r_con.random(C), r_con.random(C), r_con.random(C)
    for lg in _LANGS:
        in_lg = np.flatnonzero(con_lang == lg)
        if not len(in_lg):
            continue
        firsts, lasts = _MASTER.persons[lg]
        fi = (u_f[in_lg] * len(firsts)).astype(np.int64)
        li = (u_l[in_lg] * len(lasts)).astype(np.int64)
        if lg == "cn":
            con_names[in_lg] = [f"{lasts[b]} {firsts[a]}" for a, b in zip(fi, li)]
        else:
            con_names[in_lg] = [f"{firsts[a]} {lasts[b]}" for a, b in zip(fi, li)]
        if lg == "de":
            female = (fi >= len(firsts) // 2).tolist()
            titles[in_lg] = [
                _MASTER.titles_de[r][int(v * len(_MASTER.titles_de[r]))][f]
                for r, v, f in zip(role[in_lg].tolist(), u_t[in_lg].tolist(), female)
            ]
        else:
            titles[in_lg] = [
                _MASTER.titles_en[r][int(v * len(_MASTER.titles_en[r]))]
                for r, v in zip(role[in_lg].tolist(), u_t[in_lg].tolist())
            ]
    unit_pick = (r_con.random(C) * n_units[con_acc]).astype(np.int64)
    con_unit = unit_rank[con_acc, unit_pick]
    no_unit = np.isin(role, [_R_DECIDER, _R_APPROVER, 4]) & (r_con.random(C) < 0.8)
    con_unit = np.where(no_unit, -1, con_unit)
    con_start = np.full(n, -1, dtype=np.int64)
    con_cnt = np.zeros(n, dtype=np.int64)
    con_start[c_accs] = _group_starts(n_c)
    con_cnt[c_accs] = n_c

    # ---------------------------------------------------------------- interactions
    lg10 = np.log10(np.maximum(runrate, 1e4) / 1e4)
    lam = np.where(has_kam, 8 + 4 * lg10, np.where(cand_mask, 3 + 1.5 * lg10, 1.0 + 0.5 * lg10))
    lam[is_pros] = 6.0
    i_lo = np.maximum(since, 0)
    i_hi = np.where(is_lost, np.minimum(hi_day + 60, last), last)
    i_span = np.maximum(i_hi - i_lo + 1, 0)
    n_int = r_int.poisson(lam * i_span / 365.25)
    n_int[sparse] = min(int(n_int[sparse]), 2)
    n_int[top] = max(int(n_int[top]), 40)
    n_interactions = int(n_int.sum())
    i_acc = np.repeat(np.arange(n), n_int)
    i_day = i_lo[i_acc] + (r_int.random(n_interactions) * i_span[i_acc]).astype(np.int64)
    i_day = _shift_weekend(r_int, i_day, start, i_lo[i_acc], i_hi[i_acc])
    u_type = r_int.random(n_interactions)
    i_type = np.where(
        has_kam[i_acc],
        np.searchsorted([0.25, 0.55, 0.73, 0.94], u_type, side="right"),
        np.searchsorted([0.08, 0.55, 0.60, 1.0], u_type, side="right"),
    )
    i_type = np.minimum(i_type, 4)
    i_kam = np.where(has_kam[i_acc] & (r_int.random(n_interactions) < 0.85), kam_of[i_acc], -1)
    # contacts: weighted by influence, one account single-threaded
    w = influence.astype(float) ** 1.3 * np.exp(r_int.normal(0, 0.5, C))
    sm = con_acc == single
    w[sm] = np.where(con_j[sm] == 0, 40.0, 0.2)
    with_c = (con_cnt[i_acc] > 0) & (r_int.random(n_interactions) < 0.9)
    i_contact = np.full(n_interactions, -1, dtype=np.int64)
    if with_c.any():
        grp_of_acc = np.full(n, -1, dtype=np.int64)
        grp_of_acc[c_accs] = np.arange(len(c_accs))
        i_contact[with_c] = _choose_in_groups(r_int, w, n_c, grp_of_acc[i_acc[with_c]])
    i_acc, i_day, i_type, i_kam, i_contact = _sorted_by(i_day * n + i_acc, i_acc, i_day, i_type, i_kam, i_contact)
    # trouble: from the onset the account goes quiet: the decider is no longer met, three in four other
    # contacts do not happen; in a rough patch the KAM has left, and the inside sales team keeps in touch
    after = troubled[i_acc] & (i_day >= onset[i_acc]) & (i_day < quiet_to[i_acc])
    with_decider = np.zeros(len(i_acc), dtype=bool)
    with_decider[i_contact >= 0] = role[i_contact[i_contact >= 0]] == _R_DECIDER
    quiet = after & (with_decider | (r_trb.random(len(i_acc)) < 0.75))
    i_kam = np.where(after & dip[i_acc], -1, i_kam)
    i_acc, i_day, i_type, i_kam, i_contact = (x[~quiet] for x in (i_acc, i_day, i_type, i_kam, i_contact))
    # business reviews follow a cadence, not chance: an account with a KAM holds one QBR a quarter (days 15-75 of
    # the quarter, one in ten skipped); the meetings drawn above are ordinary meetings. In trouble, from the
    # onset until a successor KAM takes over, no QBR is held: the neglect the health score should see.
    i_type = np.where(i_type == _QBR, _MEETING, i_type)
    q_ids = np.unique(_quarter_index(start, np.arange(last + 1, dtype=np.int64)))
    q_start = np.array([f"{q // 4}-{q % 4 * 3 + 1:02d}-01" for q in q_ids.tolist()], dtype="datetime64[D]")
    q_day0 = (q_start - start).astype(np.int64)
    kam_acc = np.flatnonzero(has_kam)
    b_acc = np.repeat(kam_acc, len(q_day0))
    b_day = np.tile(q_day0, len(kam_acc)) + r_qbr.integers(15, 76, len(b_acc))
    held = (r_qbr.random(len(b_acc)) >= 0.1) & (b_day >= i_lo[b_acc]) & (b_day <= i_hi[b_acc])
    held &= ~(troubled[b_acc] & (b_day >= onset[b_acc]) & (b_day < quiet_to[b_acc]))
    b_acc, b_day = b_acc[held], b_day[held]
    b_day = _shift_weekend(r_qbr, b_day, start, i_lo[b_acc], i_hi[b_acc])
    b_contact = np.full(len(b_acc), -1, dtype=np.int64)
    b_with = con_cnt[b_acc] > 0
    if b_with.any():
        grp = np.full(n, -1, dtype=np.int64)
        grp[c_accs] = np.arange(len(c_accs))
        b_contact[b_with] = _choose_in_groups(r_qbr, w, n_c, grp[b_acc[b_with]])
    i_acc, i_day, i_type, i_kam, i_contact = (
        np.concatenate(pair)
        for pair in (
            (i_acc, b_acc),
            (i_day, b_day),
            (i_type, np.full(len(b_acc), _QBR, dtype=np.int64)),
            (i_kam, kam_of[b_acc]),
            (i_contact, b_contact),
        )
    )
    i_acc, i_day, i_type, i_kam, i_contact = _sorted_by(i_day * n + i_acc, i_acc, i_day, i_type, i_kam, i_contact)
    n_interactions = len(i_acc)

    # ---------------------------------------------------------------- complaints
    ord_per_year = n_ord / np.maximum(years_active, 0.25)
    c_rate = 0.25 + 0.05 * ord_per_year
    problem = r_cmp.random(n) < 0.03
    c_rate = np.where(problem, c_rate * 4, c_rate)
    c_hi = np.minimum(hi_day + 30, last)
    c_span = np.where(n_ord > 0, np.maximum(c_hi - lo_day + 1, 0), 0)
    n_cmp = r_cmp.poisson(c_rate * c_span / 365.25)
    n_cmp[sparse] = 0
    n_cmp[top] = max(int(n_cmp[top]), 3)
    K = int(n_cmp.sum())
    k_acc = np.repeat(np.arange(n), n_cmp)
    opened = lo_day[k_acc] + (r_cmp.random(K) * c_span[k_acc]).astype(np.int64)
    severity = np.searchsorted([0.4, 0.75, 0.95], r_cmp.random(K), side="right")
    med = np.array([6.0, 12.0, 20.0, 30.0])[severity]
    dur = med * np.exp(r_cmp.normal(0, 0.8, K))
    dur = np.where(r_cmp.random(K) < 0.04, dur * 8, dur)
    closed = opened + np.floor(dur).astype(np.int64)
    closed = np.where(closed > last, np.iinfo(np.int64).min, closed)
    k_cat = np.searchsorted([0.35, 0.68, 0.84], r_cmp.random(K), side="right")
    # the largest account has a recent complaint that is still open
    open_i = int(np.flatnonzero(k_acc == top)[-1])
    opened[open_i] = max(int(lo_day[top]), last - int(r_cmp.integers(3, 26)))
    closed[open_i] = np.iinfo(np.int64).min
    # trouble: a high or critical complaint opened within six weeks of the onset stays unresolved for four
    # months to a year (or to this day)
    t_acc = np.flatnonzero(troubled)
    t_open = np.minimum(onset[t_acc] + r_trb.integers(0, 43, len(t_acc)), last)
    t_closed = t_open + r_trb.integers(120, 366, len(t_acc))
    t_closed = np.where(t_closed > last, np.iinfo(np.int64).min, t_closed)
    k_acc = np.concatenate([k_acc, t_acc])
    opened = np.concatenate([opened, t_open])
    closed = np.concatenate([closed, t_closed])
    severity = np.concatenate([severity, 2 + (r_trb.random(len(t_acc)) < 0.4)])
    k_cat = np.concatenate([k_cat, r_trb.integers(0, 4, len(t_acc))])
    K = len(k_acc)
    k_acc, opened, closed, severity, k_cat = _sorted_by(opened * n + k_acc, k_acc, opened, closed, severity, k_cat)

    # ---------------------------------------------------------------- service costs
    aq_start = int(_quarter_index(start, np.array([0]))[0])
    aq_end = int(_quarter_index(start, np.array([last]))[0])
    Q = aq_end - aq_start + 1
    o_q = _quarter_index(start, day) - aq_start
    cell = acc * Q + o_q
    q_orders = np.bincount(cell, minlength=n * Q).reshape(n, Q)
    q_gross = np.bincount(cell, weights=gross, minlength=n * Q).reshape(n, Q)
    sev_cost = np.array([250.0, 600.0, 1500.0, 4000.0])
    k_q = _quarter_index(start, opened) - aq_start
    q_cmp = np.bincount(k_acc * Q + k_q, weights=sev_cost[severity] if K else None, minlength=n * Q).reshape(n, Q)
    int_cost = np.array([200.0, 20.0, 450.0, 5.0, 1200.0])
    i_q = _quarter_index(start, i_day) - aq_start
    q_int = np.bincount(i_acc * Q + i_q, weights=int_cost[i_type] if n_interactions else None, minlength=n * Q).reshape(
        n, Q
    )
    s_lo = np.where(n_ord > 0, lo_day, i_lo)
    s_hi = np.where(is_lost, np.minimum(hi_day + 90, last), last)
    q_lo = _quarter_index(start, np.clip(s_lo, 0, last)) - aq_start
    q_hi = _quarter_index(start, np.clip(s_hi, 0, last)) - aq_start
    qs = np.arange(Q)[None, :]
    active_q = (qs >= q_lo[:, None]) & (qs <= q_hi[:, None]) & (s_hi >= s_lo)[:, None]
    active_q[sparse] &= q_orders[sparse] > 0  # brand new: only quarters with orders
    rq = r_svc
    # cost-to-serve drivers: fixed coverage cost per quarter, per order, per complaint,
    # per interaction, plus revenue-linked freight and tailored service
    per_order = np.select([np.isin(c_codes[country], ["US", "CN"]), c_codes[country] != "DE"], [320.0, 160.0], 110.0)
    intensity = np.exp(rq.normal(0.0, 0.5, n)) * np.where(rq.random(n) < 0.05, 2.5, 1.0)
    intensity[destroyers] = 3.0
    base_sales = np.where(
        has_kam[:, None], rq.uniform(4000, 9000, (n, Q)) * (1 + 0.3 * lg10[:, None]), rq.uniform(400, 900, (n, Q))
    )
    sales = base_sales + q_int
    logistics = q_orders * (per_order * intensity)[:, None] * np.exp(rq.normal(0, 0.2, (n, Q))) + 0.025 * q_gross
    tailored = np.where((arch == _KEY)[:, None], 0.03 * q_gross, 0.0)
    tailored[destroyers] = rq.uniform(0.35, 0.5, len(destroyers))[:, None] * q_gross[destroyers]
    service = (
        q_cmp
        + tailored
        + 0.01 * intensity[:, None] * q_gross
        + np.where(rq.random((n, Q)) < 0.1, rq.uniform(150, 900, (n, Q)), 0.0)
    )
    mk_prob = np.where(has_kam, 1.0, np.where(is_pros, 0.6, 0.15))
    marketing = np.where(
        rq.random((n, Q)) < mk_prob[:, None],
        np.where(
            has_kam[:, None],
            rq.uniform(800, 2500, (n, Q)),
            rq.uniform(100, 500, (n, Q)) * np.where(is_pros, 3.0, 1.0)[:, None],
        ),
        0.0,
    )
    cost = np.stack([marketing, sales, service, logistics], axis=2)  # n, Q, 4
    cost = np.round(cost, 2) * active_q[:, :, None]
    sa, sq, sc = np.nonzero(cost > 0)  # row-major: account, quarter, category
    s_cost = cost[sa, sq, sc]

    # ---------------------------------------------------------------- wallet
    l12 = day > last - 365
    wal_accs = c_accs
    cellw = (acc[l12] * 5 + line[l12]) * len(_MASTER.units) + unit[l12]
    rev12 = np.bincount(cellw, weights=gross[l12], minlength=n * 5 * len(_MASTER.units)).reshape(
        n, 5, len(_MASTER.units)
    )
    # candidate cells: every product line x every unit of the account
    wa = np.repeat(wal_accs, 5 * n_units[wal_accs])
    per = 5 * n_units[wal_accs]
    jj = _local_index(per)
    wl = jj // n_units[wa]
    wu = unit_rank[wa, jj % n_units[wa]]
    wrev = rev12[wa, wl, wu]
    acc_rev12 = rev12.sum(axis=(1, 2))
    acc_total = np.bincount(acc, weights=gross, minlength=n)
    n_rev_cells = np.maximum(np.bincount(wa, weights=(wrev > 0), minlength=n), 1)
    basis = np.where(acc_rev12 > 0, acc_rev12, acc_total / years)[wa] / n_rev_cells[wa]
    basis = np.maximum(basis, 2000.0)
    white = r_wal.random(len(wa)) < np.where(wa == top, 1.0, 0.4)
    sow = np.clip(r_wal.beta(2.2, 4.5, len(wa)) * 0.95, 0.04, 0.92)
    pot = np.where(wrev > 0, wrev / sow, basis * np.exp(r_wal.normal(0.3, 0.6, len(wa))))
    keepw = (wrev > 0) | white
    wa, wl, wu, pot = wa[keepw], wl[keepw], wu[keepw], np.round(pot[keepw], -2)
    w_sort = np.lexsort((wu, wl, wa))
    wa, wl, wu, pot = wa[w_sort], wl[w_sort], wu[w_sort], pot[w_sort]

    # ---------------------------------------------------------------- competitors
    al = wa * 5 + wl
    key_al, inv = np.unique(al, return_inverse=True)
    pot_al = np.bincount(inv, weights=pot)
    ca, cl = key_al // 5, key_al % 5
    rev_al = rev12.sum(axis=2)[ca, cl]
    our = np.clip(rev_al / np.maximum(pot_al, 1.0), 0.0, 1.0)
    has_comp = (r_wal.random(len(ca)) < 0.85) | (ca == top)
    ca, cl, our = ca[has_comp], cl[has_comp], our[has_comp]
    kc = np.searchsorted([0.35, 0.75], r_wal.random(len(ca)), side="right") + 1
    cover = r_wal.uniform(0.55, 0.95, len(ca))
    g = r_wal.gamma(1.5, size=(len(ca), 3)) * (np.arange(3)[None, :] < kc[:, None])
    frac = g / g.sum(axis=1, keepdims=True)
    shares = np.floor(((1 - our) * cover)[:, None] * frac * 1e4) / 1e4
    comp_pick = np.argsort(r_wal.random((len(ca), 4)), axis=1, kind="stable")[:, :3]
    rows = np.nonzero((np.arange(3)[None, :] < kc[:, None]) & (shares > 0))
    cp_acc = ca[rows[0]]
    cp_line = cl[rows[0]]
    cp_name = np.array(
        [_MASTER.competitors[li][ci] for li, ci in zip(cp_line.tolist(), comp_pick[rows].tolist())], dtype=object
    )
    cp_share = shares[rows]

    # ---------------------------------------------------------------- targets
    t_accs = np.flatnonzero(has_kam)
    aq_last = aq_end
    t_q = np.arange(aq_last - 3, aq_last + 2)
    ta = np.repeat(t_accs, len(t_q))
    tq = np.tile(t_q, len(t_accs))
    prev = tq - 4 - aq_start
    prev_ok = (prev >= 0) & (prev < Q)
    prev_rev = np.where(prev_ok, q_gross[ta, np.clip(prev, 0, Q - 1)], 0.0)
    q_avg = acc_rev12[ta] / 4
    base_t = np.where(prev_rev > 0, 0.5 * prev_rev + 0.5 * q_avg, q_avg)
    base_t = np.where(base_t > 0, base_t, runrate[ta] / 4)
    plan_g = np.select(
        [arch[ta] == _EMERGING, arch[ta] == _DECLINING, arch[ta] == _KEY], [0.25, 0.0, 0.05], 0.06
    ) + r_tgt.normal(0, 0.02, len(ta))
    rev_t = np.round(np.maximum(base_t * (1 + plan_g), 0.0), -2)
    a_net = np.bincount(acc, weights=gross - discount - cogs, minlength=n)
    m_rate = np.clip(a_net / np.maximum(acc_total, 1.0), 0.1, 0.6)
    mar_t = np.round(rev_t * (m_rate[ta] + 0.01), -2)
    # the plans of the earlier years, from the second year of the history on: each quarter's plan is made from
    # the year before it (half the same quarter last year, half that year's average quarter)
    h_q = np.arange(aq_start + 4, aq_last - 3)
    if len(h_q) and len(t_accs):
        ha, hq = np.repeat(t_accs, len(h_q)), np.tile(h_q, len(t_accs))
        hp = hq - 4 - aq_start  # the same quarter last year, as a column of q_gross
        cum = np.concatenate([np.zeros((n, 1)), np.cumsum(q_gross, axis=1)], axis=1)
        first = np.maximum(hp - 3, 0)
        year_avg = (cum[ha, hp + 1] - cum[ha, first]) / (hp + 1 - first)
        base_h = np.where(q_gross[ha, hp] > 0, 0.5 * q_gross[ha, hp] + 0.5 * year_avg, year_avg)
        base_h = np.where(base_h > 0, base_h, runrate[ha] / 4)
        g_h = np.select(
            [arch[ha] == _EMERGING, arch[ha] == _DECLINING, arch[ha] == _KEY], [0.25, 0.0, 0.05], 0.06
        ) + r_plan.normal(0, 0.02, len(ha))
        rev_h = np.round(np.maximum(base_h * (1 + g_h), 0.0), -2)
        mar_h = np.round(rev_h * (m_rate[ha] + 0.01), -2)
        t_sort = np.lexsort((np.concatenate([hq, tq]), np.concatenate([ha, ta])))  # by account, then quarter
        ta, tq = np.concatenate([ha, ta])[t_sort], np.concatenate([hq, tq])[t_sort]
        rev_t, mar_t = np.concatenate([rev_h, rev_t])[t_sort], np.concatenate([mar_h, mar_t])[t_sort]

    # ---------------------------------------------------------------- actions
    act_base = np.where(
        has_kam, r_act.integers(2, 6, n), np.where(cand_mask & (r_act.random(n) < 0.3), r_act.integers(1, 3, n), 0)
    )
    act_base[sparse] = 0
    act_base[top] = max(int(act_base[top]), 4)
    A = int(act_base.sum())
    a_acc = np.repeat(np.arange(n), act_base)
    a_j = _local_index(act_base)
    goal_i = (r_act.random(A) * len(_MASTER.goals)).astype(np.int64)
    due = last + r_act.integers(-240, 181, A)
    due[(a_acc == top) & (a_j == 0)] = last - 21  # an overdue open action at the top
    u_st = r_act.random(A)
    st = np.select(
        [due < last - 60, due < last],
        [np.searchsorted([0.1, 0.2, 0.9], u_st, side="right"), np.searchsorted([0.25, 0.5, 0.9], u_st, side="right")],
        default=np.searchsorted([0.55, 0.95, 1.0], u_st, side="right"),
    )
    st = np.minimum(st, 3)
    st[(a_acc == top) & (a_j == 0)] = 0
    own_kam = (kam_of[a_acc] >= 0) & (r_act.random(A) < 0.75)
    role_i = (r_act.random(A) * len(_MASTER.owner_roles)).astype(np.int64)
    owner = np.array(
        [
            kam_names[kam_of[a]] if ok else _MASTER.owner_roles[ri]
            for a, ok, ri in zip(a_acc.tolist(), own_kam.tolist(), role_i.tolist())
        ],
        dtype=object,
    )

    # ---------------------------------------------------------------- ratings
    n_rated = int(np.clip(round(0.075 * n), 3, len(kam_accs)))
    rated = np.sort(np.array(kam_accs[:n_rated], dtype=np.int64))
    R = len(rated)
    pct = 1 - rank[rated] / n
    since_years = (last - since[rated]) / 365.25
    true = np.stack(
        [
            10 * pct**3,
            np.clip(2 + since_years / 5 + 3 * pct, 0, 10),
            np.clip(3 + 1.5 * stage[rated] + r_rat.normal(0, 1, R), 0, 10),
            np.clip(5 + 6 * growth[rated] + r_rat.normal(0, 1, R), 0, 10),
            np.clip(2 * ref[rated], 0, 10),
            np.clip(1 + 2 * stage[rated] + r_rat.normal(0, 0.8, R), 0, 10),
        ],
        axis=1,
    )  # R x 6
    bias = np.array([0.0, 0.8, -0.5, -0.2])
    rater_on = np.ones((4, R), dtype=bool)
    rater_on[3] = r_rat.random(R) < 0.7
    rater_on[3, rated == top] = True
    score = np.clip(np.rint(true[None, :, :] + bias[:, None, None] + r_rat.normal(0, 1.2, (4, R, 6))), 0, 10).astype(
        np.int64
    )
    rr, ra, rc = np.nonzero(np.broadcast_to(rater_on[:, :, None], (4, R, 6)))

    # ---------------------------------------------------------------- assemble
    width = max(4, len(str(n)))
    acc_ids = _ids("ACC-", n, width)

    # ---------------------------------------------------------------- account plans
    # every account with a KAM has a plan; its story follows the account's: in trouble (declining, or a rough
    # patch not yet over) the goals are at risk or missed and the plan was last reviewed before the trouble
    # began to be neglected (stale); recovered from a rough patch: some goals missed, the rest on track
    p_accs = np.flatnonzero(has_kam)
    recovered = dip & (quiet_to + 90 <= last)
    p_story = np.where(troubled[p_accs] & ~recovered[p_accs], 1, np.where(recovered[p_accs], 2, 0))
    p_story[p_accs == top] = 3  # the model account: every goal due so far is done, the plan is current
    p_stale = (p_story == 1) | ((p_story == 0) & (r_acp.random(len(p_accs)) < 0.1))
    p_contacts: list[list[tuple[str, str]]] = []
    for a in p_accs.tolist():
        idx = np.arange(con_start[a], con_start[a] + con_cnt[a]) if con_cnt[a] > 0 else np.zeros(0, dtype=np.int64)
        idx = idx[np.argsort(-influence[idx], kind="stable")]
        p_contacts.append([(str(con_names[i]), str(titles[i])) for i in idx.tolist()])
    account_plans = _account_plans(
        r_acp,
        accs=p_accs,
        start=start,
        last=last,
        kam_name=[kam_names[kam_of[a]] for a in p_accs.tolist()],
        story=p_story,
        stale=p_stale,
        line_name=[PRODUCT_LINES[int(np.argsort(-aff[a], kind="stable")[1])] for a in p_accs.tolist()],
        contacts=p_contacts,
        acc_ids=acc_ids,
    )
    kam_ids = _ids("KAM-", n_kam, 2)
    con_ids = _ids("CON-", C, 5)

    def acc_col(idx: np.ndarray) -> pd.Series:
        """Account codes (positions) as the accounts' ids."""
        return _take(acc_ids, idx)

    def date_col(days: np.ndarray) -> pd.Series:
        """The generator's days (counted from ``start``) as dates."""
        return _dates(start, days)

    tables: dict[str, pd.DataFrame] = {}
    tables["accounts"] = pd.DataFrame(
        {
            "account_id": _str(acc_ids),
            "name": _str(name_obj),
            "industry": _take(INDUSTRIES, industry),
            "country": _take(c_codes, country),
            "city": _str(city_obj),
            "timezone": _str(tz_obj),
            "employees": employees,
            "customer_revenue_eur": cust_rev.astype(float),
            "kam_id": _take(kam_ids, kam_of),
            "since": date_col(since),
            "reference_value": ref.astype(np.int64),
            "relationship_stage": _take(STAGES, stage),
            "status": _take(STATUSES, status),
        }
    )
    lv = ("junior", "senior", "ceo")
    tables["kams"] = pd.DataFrame(
        {
            "kam_id": _str(kam_ids),
            "name": _str(kam_names),
            "level": _take(lv, level),
            "capacity": capacity.astype(np.int64),
        }
    )
    tables["products"] = pd.DataFrame(
        {
            "product_id": _str(_ids("P-", len(_MASTER.products), 3)),
            "name": _str([p[0] for p in _MASTER.products]),
            "product_line": _take(PRODUCT_LINES, prod_line),
        }
    )
    tables["orders"] = pd.DataFrame(
        {
            "order_id": _str(_ids("ORD-", M, 7)),
            "account_id": acc_col(acc),
            "date": date_col(day),
            "product_id": _take(_ids("P-", len(_MASTER.products), 3), product),
            "business_unit": _take(_MASTER.units, unit),
            "quantity": quantity.astype(np.int64),
            "gross_revenue_eur": gross,
            "discount_eur": discount,
            "cogs_eur": cogs,
        }
    )
    tables["service_costs"] = pd.DataFrame(
        {
            "account_id": acc_col(sa),
            "period": _take(_quarter_labels(np.arange(aq_start, aq_end + 1)), sq),
            "category": _take(COST_CATEGORIES, sc),
            "cost_eur": s_cost,
        }
    )
    tables["interactions"] = pd.DataFrame(
        {
            "interaction_id": _str(_ids("INT-", n_interactions, 6)),
            "account_id": acc_col(i_acc),
            "date": date_col(i_day),
            "type": _take(INTERACTION_TYPES, i_type),
            "kam_id": _take(kam_ids, i_kam),
            "contact_id": _take(con_ids, i_contact),
        }
    )
    tables["complaints"] = pd.DataFrame(
        {
            "complaint_id": _str(_ids("CMP-", K, 5)),
            "account_id": acc_col(k_acc),
            "opened": date_col(opened),
            "closed": date_col(closed),
            "severity": _take(SEVERITIES, severity),
            "category": _take(COMPLAINT_CATEGORIES, k_cat),
        }
    )
    tables["contacts"] = pd.DataFrame(
        {
            "contact_id": _str(con_ids),
            "account_id": acc_col(con_acc),
            "name": _str(con_names),
            "title": _str(titles),
            "business_unit": _take(_MASTER.units, con_unit),
            "buying_role": _take(BUYING_ROLES, role),
            "influence": influence.astype(np.int64),
            "attitude": _take(ATTITUDES, attitude),
        }
    )
    tables["wallet"] = pd.DataFrame(
        {
            "account_id": acc_col(wa),
            "product_line": _take(PRODUCT_LINES, wl),
            "business_unit": _take(_MASTER.units, wu),
            "potential_eur": pot.astype(float),
        }
    )
    tables["competitors"] = pd.DataFrame(
        {
            "account_id": acc_col(cp_acc),
            "competitor": _str(cp_name),
            "product_line": _take(PRODUCT_LINES, cp_line),
            "share": np.round(cp_share, 4),
        }
    )
    tables["targets"] = pd.DataFrame(
        {
            "account_id": acc_col(ta),
            "period": _str(_quarter_labels(tq)),
            "revenue_target_eur": rev_t,
            "margin_target_eur": mar_t,
        }
    )
    tables["actions"] = pd.DataFrame(
        {
            "action_id": _str(_ids("ACT-", A, 4)),
            "account_id": acc_col(a_acc),
            "goal": _take([g_[0] for g_ in _MASTER.goals], goal_i),
            "action": _take([g_[1] for g_ in _MASTER.goals], goal_i),
            "owner": _str(owner),
            "due": date_col(due),
            "status": _take(ACTION_STATUSES, st),
        }
    )
    tables["ratings"] = pd.DataFrame(
        {
            "rater": _take(RATERS, rr),
            "account_id": acc_col(rated[ra]),
            "criterion": _take(CRITERIA, rc),
            "score": score[rr, ra, rc].astype(np.int64),
        }
    )
    tables["account_plans"] = account_plans
    for name, cols in COLUMNS.items():
        assert tuple(tables[name].columns) == cols, name
    return {name: tables[name] for name in TABLES}


def _company_names(
    rng: np.random.Generator,
    industry: np.ndarray,
    country: np.ndarray,
    c_codes: np.ndarray,
    lang: np.ndarray,
    complex_only: bool = False,
) -> list[str]:
    """Fictional company names; duplicates are resolved by the caller."""
    k = len(industry)
    u = rng.random((k, 5))
    out: list[str] = []
    for i in range(k):
        lg = lang[i]
        cc = c_codes[country[i]]
        stems = _MASTER.stems[lg]
        sectors = _MASTER.sectors.get(lg, _MASTER.sectors["en"])[industry[i]]
        forms = _MASTER.forms[cc]
        s1 = stems[int(u[i, 0] * len(stems))]
        j2 = int(u[i, 1] * (len(stems) - 1))
        s2 = stems[j2 + 1] if stems[j2] == s1 else stems[j2]
        sec = sectors[int(u[i, 2] * len(sectors))]
        form = forms[int(u[i, 3] * len(forms))]
        p = u[i, 4] if not complex_only else 0.45 + 0.55 * u[i, 4]
        if lg == "de":
            if p < 0.52:
                nm = f"{s1} {sec} {form}"
            elif p < 0.56:
                nm = f"{s1} & Söhne {form}"
            elif p < 0.78:
                nm = f"{s1} & {s2} {sec} {form}"
            else:
                nm = f"{s1} {sec} {_MASTER.regions[int((p - 0.78) / 0.22 * len(_MASTER.regions))]} {form}"
        elif lg == "fr":
            nm = f"{sec} {s1} {form}" if p < 0.5 else f"{sec} {s1} & {s2} {form}"
        elif lg == "cn":
            city = _MASTER.countries[country[i]][3][int(u[i, 1] * 5) % 5][0]
            nm = f"{city} {s1} {sec} {form}" if p < 0.6 else f"{city} {s1} {s2} {sec} {form}"
        elif p < 0.4:
            nm = f"{s1} {sec} {form}"
        elif p < 0.75:
            nm = f"{s1} & {s2} {sec} {form}"
        else:
            cities = _MASTER.countries[country[i]][3]
            nm = f"{s1} {sec} {cities[int((p - 0.75) / 0.25 * len(cities))][0]} {form}"
        out.append(nm)
    return out


# --------------------------------------------------------------------------------------
# CSV writer
# --------------------------------------------------------------------------------------


def _fmt_fixed(values: np.ndarray, decimals: int) -> np.ndarray:
    """Fixed-point strings with exactly ``decimals`` decimals; NaN -> ''."""
    import pyarrow as pa
    import pyarrow.compute as pc

    v = np.asarray(values, dtype=float)
    nan = np.isnan(v)
    scale = 10**decimals
    scaled = np.rint(np.abs(np.where(nan, 0.0, v)) * scale).astype(np.int64)
    ip = pa.array(scaled // scale).cast(pa.large_string())
    fp = pc.utf8_lpad(pa.array(scaled % scale).cast(pa.large_string()), decimals, "0")
    neg = pa.array(np.where((v < 0) & (scaled > 0), "-", ""), type=pa.large_string())
    out = pc.binary_join_element_wise(neg, ip, pa.scalar(".", pa.large_string()), fp, pa.scalar("", pa.large_string()))
    return pc.if_else(pa.array(nan), pa.scalar("", pa.large_string()), out)


def _fmt_column(name: str, s: pd.Series):  # -> pyarrow.Array[large_string]
    import pyarrow as pa
    import pyarrow.compute as pc

    ls = pa.large_string()
    empty = pa.scalar("", ls)
    if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s):
        d = s.dt.tz_localize(None) if isinstance(s.dtype, pd.DatetimeTZDtype) else s
        arr = pa.array(d.to_numpy().astype("datetime64[D]")).cast(ls)
        return pc.fill_null(arr, empty)
    if pd.api.types.is_bool_dtype(s) and not s.isna().any():
        return pa.array(np.where(s.to_numpy(dtype=bool), "true", "false"), type=ls)
    if pd.api.types.is_integer_dtype(s):
        mask = s.isna().to_numpy()
        vals = s.to_numpy(dtype=np.int64, na_value=0)
        arr = pa.array(vals).cast(ls)
        return pc.if_else(pa.array(mask), empty, arr)
    if pd.api.types.is_float_dtype(s):
        decimals = 4 if (name == "share" or name.endswith("_share")) else 2
        return _fmt_fixed(s.to_numpy(dtype=float, na_value=np.nan), decimals)
    if isinstance(s.dtype, pd.StringDtype):
        arr = pa.array(s, from_pandas=True).cast(ls)
    else:
        obj = s.astype(object).where(s.notna(), None)
        arr = pa.array([None if v is None else str(v) for v in obj.tolist()], type=ls)
    needs = pc.fill_null(pc.match_substring_regex(arr, '[",\r\n]'), False)
    quoted = pc.binary_join_element_wise(
        pa.scalar('"', ls), pc.replace_substring(arr, '"', '""'), pa.scalar('"', ls), empty
    )
    return pc.fill_null(pc.if_else(needs, quoted, arr), empty)


def _csv_bytes(df: pd.DataFrame) -> bytes:
    import pyarrow as pa
    import pyarrow.compute as pc

    ls = pa.large_string()

    def quote(h: str) -> str:
        return '"' + h.replace('"', '""') + '"' if any(c in h for c in ',"\r\n') else h

    header = ",".join(quote(str(c)) for c in df.columns) + "\n"
    if len(df) == 0:
        return header.encode("utf-8")
    cols = [_fmt_column(str(c), df[c]) for c in df.columns]
    cols = [c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c for c in cols]
    lines = pc.binary_join_element_wise(*cols, pa.scalar(",", ls))
    lines = pc.binary_join_element_wise(lines, pa.scalar("\n", ls), pa.scalar("", ls))
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    o0, o1 = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    body = lines.buffers()[2]
    return header.encode("utf-8") + body.to_pybytes()[o0:o1]


def write(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """Write one ``<table>.csv`` per DataFrame into ``out_dir``.

    Format: UTF-8 without BOM, ``,`` separator, ``\\n`` line endings, a header
    row, minimal RFC 4180 quoting (only fields containing ``,``, ``"`` or a line
    break are quoted, quotes doubled), ISO dates ``YYYY-MM-DD``, integers
    without decimals, floats with exactly 2 decimals (4 for a column named
    ``share``), empty string for missing values. The bytes depend only on the
    DataFrames, so ``write(generate(seed))`` is reproducible bit for bit.

    Parameters
    ----------
    tables : dict[str, pandas.DataFrame]
        Table name -> data, e.g. the result of :func:`generate`.
    out_dir : pathlib.Path
        Target directory; created if missing. Other files in it are left alone;
        existing ``<table>.csv`` files are overwritten.

    Returns
    -------
    list[pathlib.Path]
        The written files, in the order of ``tables``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for name, df in tables.items():
        if not name or any(c in name for c in "/\\") or name.startswith("."):
            raise ValueError(f"invalid table name: {name!r}")
        path = out / f"{name}.csv"
        data = _csv_bytes(df)
        with writers.atomic_path(path) as tmp:
            tmp.write_bytes(data)
        paths.append(path)
    return paths


# --------------------------------------------------------------------------------------
# Account plans (table account_plans): one plan per account with a KAM
# --------------------------------------------------------------------------------------

PLAN_SECTIONS = schemas.PLAN_SECTIONS  # the data model's vocabulary (one home: kamlib.data.schemas)


def _account_plans(
    rng: np.random.Generator,
    *,
    accs: np.ndarray,
    start: np.datetime64,
    last: int,
    kam_name: list[str],
    story: np.ndarray,
    stale: np.ndarray,
    line_name: list[str],
    contacts: list[list[tuple[str, str]]],
    acc_ids: pa.Array,
) -> pd.DataFrame:
    """One account plan per account in ``accs`` (the accounts with a KAM), every section filled.

    ``story`` per account: 0 healthy, 1 in trouble (declining, or a rough patch still going on), 2 recovered
    from a rough patch, 3 the model account (every goal due so far done). A plan in ``stale`` was last reviewed
    190 to 300 days before ``last``: its goals keep the status recorded then (so some are past their due date and
    still open). Finished goals have a result. No item was reviewed more than 360 days before ``last``.
    """
    rows: list[tuple] = []
    people = [f"{f} {lname}" for f in _MASTER.kam_first for lname in _MASTER.kam_last]
    for j, a in enumerate(accs.tolist()):
        st = int(story[j])
        reviewed = last - int(rng.integers(190, 301)) if stale[j] else last - int(rng.integers(0, 46))

        def upd(lo: int = 0, hi: int = 60, base: int = reviewed) -> int:
            return base - int(rng.integers(lo, hi + 1))

        items: list[tuple] = []  # section, text, owner_ours, owner_customer, due, status, result, updated_on
        for k in rng.choice(len(_MASTER.plans["customer_goals"]), int(rng.integers(2, 4)), replace=False).tolist():
            items.append(("customer_goal", _MASTER.plans["customer_goals"][k], None, None, None, None, None, upd()))
        for k in rng.choice(len(_MASTER.plans["customer_plans"]), int(rng.integers(1, 3)), replace=False).tolist():
            items.append(("customer_plan", _MASTER.plans["customer_plans"][k], None, None, None, None, None, upd()))
        pool = _MASTER.plans["objectives_trouble"] if st == 1 else _MASTER.plans["objectives"]
        for k in rng.choice(len(pool), int(rng.integers(1, 3)), replace=False).tolist():
            due = last + int(rng.integers(60, 366))  # our objectives run to the end of next year
            status = (
                ("at_risk" if rng.random() < 0.6 else "open")
                if st == 1
                else ("on_track" if rng.random() < 0.8 else "open")
            )
            text = pool[k].format(line=line_name[j])
            items.append(("objective", text, kam_name[j], None, due, status, None, upd()))
        strategy = (
            _MASTER.plan_strategy_trouble
            if st == 1
            else _MASTER.plans["strategies"][int(rng.integers(len(_MASTER.plans["strategies"])))]
        )
        items.append(("strategy", strategy, None, None, None, None, None, upd()))
        items.append(
            (
                "usp",
                _MASTER.plans["usps"][int(rng.integers(len(_MASTER.plans["usps"])))],
                None,
                None,
                None,
                None,
                None,
                upd(),
            )
        )
        ours = [kam_name[j]]
        items.append(("team_ours", f"{kam_name[j]}, Key Account Management", None, None, None, None, None, upd()))
        for r in rng.choice(len(_MASTER.plans["team_roles"]), int(rng.integers(1, 3)), replace=False).tolist():
            who = people[int(rng.integers(len(people)))]
            ours.append(who)
            items.append(("team_ours", f"{who}, {_MASTER.plans['team_roles'][r]}", None, None, None, None, None, upd()))
        theirs = contacts[j][:3] if contacts[j] else [("N. N.", "Einkauf")]
        for name, title in theirs:
            items.append(("team_customer", f"{name}, {title}", None, None, None, None, None, upd()))
        n_goals = int(rng.integers(3, 6))
        for g, k in enumerate(rng.choice(len(_MASTER.plans["agreed_goals"]), n_goals, replace=False).tolist()):
            due = last + int(rng.integers(-365, 91))
            text = _MASTER.plans["agreed_goals"][k].format(n=int(rng.integers(1, 6)))
            owner_ours = ours[g % len(ours)]
            owner_customer = theirs[int(rng.integers(len(theirs)))][0]
            u = float(rng.random())
            seen = min(reviewed, due + int(rng.integers(0, 31)))  # the goal's last review
            if due > reviewed:  # not yet due when the plan was last reviewed
                status = ("at_risk" if u < 0.6 else "open") if st == 1 else ("on_track" if u < 0.75 else "open")
                seen = upd(0, 30)
            elif st == 1:
                status = "missed" if u < 0.5 else ("at_risk" if u < 0.8 else "done")
            elif st == 3:
                status = "done"
            elif st == 2:
                status = "missed" if u < 0.35 else "done"
            else:
                status = "done" if u < 0.85 else ("dropped" if u < 0.93 else "on_track")
            result = None
            if status in _MASTER.plan_results:
                choices = _MASTER.plan_results[status]
                result = choices[int(rng.integers(len(choices)))]
            items.append(("agreed_goal", text, owner_ours, owner_customer, due, status, result, seen))
        rows += [(a, *it) for it in items]
    if not rows:
        return schemas.empty_frame("account_plans")
    acc = np.array([r[0] for r in rows], dtype=np.int64)
    sec = np.array([PLAN_SECTIONS.index(r[1]) for r in rows], dtype=np.int64)
    due_day = np.array([r[5] if r[5] is not None else np.iinfo(np.int64).min for r in rows], dtype=np.int64)
    # the plans were written in the year up to ``last``: no item was reviewed earlier (so the health score's
    # backtest at past quarter ends sees no plan, as it sees no actions before they were recorded)
    updated = np.clip(np.array([r[8] for r in rows], dtype=np.int64), last - 360, last)
    plan_status = schemas.PLAN_STATUS
    return pd.DataFrame(
        {
            "item_id": _str(_ids("PLAN-", len(rows), 5)),
            "account_id": _take(acc_ids, acc),
            "section": _take(PLAN_SECTIONS, sec),
            "text": _str([r[2] for r in rows]),
            "owner_ours": _take(*_codes([r[3] for r in rows])),
            "owner_customer": _take(*_codes([r[4] for r in rows])),
            "due": _dates(start, due_day),
            "status": _take(plan_status, np.array([plan_status.index(r[6]) if r[6] else -1 for r in rows])),
            "result": _take(*_codes([r[7] for r in rows])),
            "updated_on": _dates(start, updated),
        }
    )


def _codes(values: list[str | None]) -> tuple[list[str], np.ndarray]:
    """Labels and codes (-1 for None) of a list of optional strings, for :func:`_take`."""
    labels = sorted({v for v in values if v is not None})
    index = {v: i for i, v in enumerate(labels)}
    return labels, np.array([index[v] if v is not None else -1 for v in values], dtype=np.int64)
