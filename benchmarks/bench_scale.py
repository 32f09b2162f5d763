"""Large data: portfolio metrics on 100,000 accounts and about 10 million order lines, kamlib vs DuckDB SQL.

"Portfolio metrics" are what the portfolio notebooks compute over the whole customer base: the six
criteria's raw figures and 0-10 scores (revenue, growth, DB I, CLV inputs, cost to serve, whitespace cells,
tenure), ABC classes, the BG/NBD / Gamma-Gamma inputs per customer (frequency, recency, T, monetary value)
and the review KPIs of a quarter (logo retention, GRR, NRR, returned accounts). The same aggregates are
written as DuckDB SQL over the same in-memory DataFrames and checked against kamlib's numbers.

The data is generated here (not committed): one child process generates it and writes Parquet; a second,
fresh child reads it, computes kamlib's metrics (its peak resident memory is the memory figure), then runs
the SQL. Generating itself is not part of the memory goal.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time

N_ACCOUNTS = 100_000
ORDER_SCALE = 3.6  # about 10 million order lines at 100,000 accounts
TABLES = ("accounts", "kams", "products", "orders", "service_costs", "interactions", "complaints", "contacts",
          "wallet", "competitors", "targets", "actions", "ratings")

SQL_CRITERIA = """
WITH o AS (
  SELECT account_id, date, gross_revenue_eur AS g, coalesce(discount_eur, 0) AS d, coalesce(cogs_eur, 0) AS c
  FROM orders
)
SELECT a.account_id,
  coalesce(sum(g) FILTER (WHERE date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'), 0) AS revenue_12m,
  coalesce(sum(g) FILTER (WHERE date BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'), 0) AS revenue_prev_12m,
  coalesce(sum(g - d - c) FILTER (WHERE date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'), 0) AS db1_12m,
  min(date) AS first_order
FROM accounts a LEFT JOIN o USING (account_id)
GROUP BY a.account_id
"""
SQL_COST = """
SELECT account_id, sum(cost_eur) AS cost_to_serve FROM service_costs
WHERE period IN ('2025Q1', '2025Q2', '2025Q3', '2025Q4') GROUP BY account_id
"""
SQL_CELLS = """
SELECT o.account_id, count(DISTINCT (p.product_line, o.business_unit)) AS cells_bought
FROM orders o JOIN products p USING (product_id)
WHERE o.date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31' AND o.business_unit IS NOT NULL
GROUP BY o.account_id
"""
SQL_RFM = """
WITH daily AS (
  SELECT account_id, CAST(date AS DATE) AS day, sum(gross_revenue_eur - coalesce(discount_eur, 0)) AS v
  FROM orders WHERE date <= DATE '2025-12-31' GROUP BY 1, 2
), per AS (
  SELECT account_id, count(*) - 1 AS frequency, min(day) AS first_day, max(day) AS last_day, sum(v) AS total,
         arg_min(v, day) AS first_value
  FROM daily GROUP BY 1
)
SELECT account_id, frequency, (last_day - first_day) / 7.0 AS recency, (DATE '2025-12-31' - first_day) / 7.0 AS T,
       CASE WHEN frequency > 0 THEN (total - first_value) / frequency END AS monetary_value
FROM per
"""
SQL_RETENTION = """
WITH q AS (
  SELECT account_id,
    coalesce(sum(gross_revenue_eur) FILTER (WHERE date >= DATE '2024-10-01' AND date < DATE '2025-01-01'), 0) AS r0,
    coalesce(sum(gross_revenue_eur) FILTER (WHERE date >= DATE '2025-10-01' AND date < DATE '2026-01-01'), 0) AS r1,
    bool_or(date < DATE '2024-10-01') AS before
  FROM orders GROUP BY account_id
)
SELECT count(*) FILTER (WHERE r0 > 0) AS start_accounts,
  count(*) FILTER (WHERE r0 > 0 AND r1 > 0) AS retained_accounts,
  count(*) FILTER (WHERE r0 <= 0 AND r1 > 0 AND before) AS returned_accounts,
  sum(r0) FILTER (WHERE r0 > 0) AS start_revenue,
  coalesce(sum(r0) FILTER (WHERE r0 > 0 AND r1 <= 0), 0) AS churned_revenue,
  coalesce(sum(r0 - r1) FILTER (WHERE r0 > 0 AND r1 > 0 AND r1 < r0), 0) AS contraction,
  coalesce(sum(r1 - r0) FILTER (WHERE r0 > 0 AND r1 > r0), 0) AS expansion
FROM q
"""


def _generate(folder: str) -> None:
    from kamlib.data import sample

    t0 = time.perf_counter()
    tables = sample.generate(seed=11, n_accounts=N_ACCOUNTS, order_scale=ORDER_SCALE)
    seconds = time.perf_counter() - t0
    for name, df in tables.items():
        df.to_parquet(f"{folder}/{name}.parquet", index=False)
    print(json.dumps({"orders": len(tables["orders"]), "generate_s": seconds}))


def _work(folder: str) -> None:
    import resource

    import pandas as pd

    from kamlib import clv, review, selection
    from kamlib.data.readers import KamData

    tables = {name: pd.read_parquet(f"{folder}/{name}.parquet") for name in TABLES}
    data = KamData(**tables, source="bench", as_of=pd.Timestamp("2025-12-31"), available=tuple(tables))
    t0 = time.perf_counter()
    metrics = selection.criterion_metrics(data)
    scores = selection.criterion_scores(metrics)
    selection.abc_classes(metrics["revenue_12m"])
    rfm = clv.rfm_summary(data.orders, as_of=data.as_of, time_unit="W", value="net")
    kpis = review.retention_kpis(data, "2025Q4")
    t_kamlib = time.perf_counter() - t0
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB, before DuckDB runs

    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    for name in ("accounts", "orders", "service_costs", "products"):  # DuckDB's own tables: its best case
        con.register(f"df_{name}", tables[name])
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM df_{name}")
    t0 = time.perf_counter()
    duck = con.execute(SQL_CRITERIA).df()
    con.execute(SQL_COST).df()
    cells = con.execute(SQL_CELLS).df()
    duck_rfm = con.execute(SQL_RFM).df()
    duck_kpis = con.execute(SQL_RETENTION).df().iloc[0]
    t_duck = time.perf_counter() - t0

    # the two sides must agree, or the comparison means nothing (NaN on one side only is a disagreement)
    import numpy as np

    def agree(ours, theirs, what, **tol):
        np.testing.assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float),
                                   equal_nan=True, err_msg=f"{what}: kamlib and SQL disagree", **tol)

    duck = duck.set_index("account_id")
    assert set(duck.index) == set(metrics.index), "accounts: kamlib and SQL disagree"
    agree(metrics["revenue_12m"], duck["revenue_12m"].reindex(metrics.index), "revenue_12m", atol=0.01)
    agree(metrics["db1_12m"], duck["db1_12m"].reindex(metrics.index), "db1_12m", atol=0.01)
    agree(metrics["cells_bought"], cells.set_index("account_id")["cells_bought"].reindex(metrics.index, fill_value=0),
          "cells_bought")
    r = duck_rfm.set_index("account_id")
    assert set(r.index) == set(rfm.index), "RFM customers: kamlib and SQL disagree"
    r = r.reindex(rfm.index)
    for col in ("frequency", "recency", "T", "monetary_value"):
        agree(rfm[col], r[col], col, rtol=1e-9, atol=1e-6)
    grr = (duck_kpis.start_revenue - duck_kpis.contraction - duck_kpis.churned_revenue) / duck_kpis.start_revenue
    assert int(duck_kpis.start_accounts) == kpis["start_accounts"], "start accounts: kamlib and SQL disagree"
    assert int(duck_kpis.returned_accounts) == kpis["returned_accounts"], "returned: kamlib and SQL disagree"
    assert abs(grr - kpis["grr"]) < 1e-9, "GRR: kamlib and SQL disagree"
    print(json.dumps({"kamlib_s": t_kamlib, "duckdb_s": t_duck, "peak_gb": peak_gb, "scores": int(scores.shape[0]),
                      "customers": len(rfm)}))


def _child(code: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "child failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_scale() -> list[tuple[str, float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        gen = _child(f"from benchmarks.bench_scale import _generate; _generate({folder!r})")
        res = _child(f"from benchmarks.bench_scale import _work; _work({folder!r})")
    print(f"  {N_ACCOUNTS:,} accounts, {gen['orders']:,} order lines (generated in {gen['generate_s']:.0f} s): "
          f"kamlib portfolio metrics {res['kamlib_s']:.2f} s, the same aggregates in DuckDB SQL {res['duckdb_s']:.2f} s, "
          f"peak memory reading + computing {res['peak_gb']:.2f} GB")
    return [
        (f"portfolio metrics (criteria, scores, ABC, RFM, GRR/NRR), kamlib vs DuckDB SQL on {gen['orders']:,} "
         "order lines, time ratio (goal <= 2)", res["kamlib_s"] / res["duckdb_s"], 2.0),
        ("portfolio metrics peak memory in GB (goal <= 4)", res["peak_gb"], 4.0),
    ]
