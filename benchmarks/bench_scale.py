"""Large data: portfolio metrics on 100,000 accounts, pandas (kamlib) vs the same aggregates in DuckDB SQL.

The data is generated here (not committed). Peak memory is measured in a child process so that it
counts only this work.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

N_ACCOUNTS = 100_000

SQL = """
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


def _work() -> None:
    import duckdb
    import pandas as pd

    from kamlib import sample, selection
    from kamlib.data import KamData

    tables = sample.generate(seed=11, n_accounts=N_ACCOUNTS)
    data = KamData(**tables, source="bench", as_of=pd.Timestamp("2025-12-31"), available=tuple(tables))
    t0 = time.perf_counter()
    metrics = selection.criterion_metrics(data)
    scores = selection.criterion_scores(metrics)
    selection.abc_classes(metrics["revenue_12m"])
    t_pandas = time.perf_counter() - t0
    con = duckdb.connect()
    for name in ("accounts", "orders", "service_costs"):
        con.register(name, tables[name])
    t0 = time.perf_counter()
    duck = con.execute(SQL).df()
    con.execute(SQL_COST).df()
    t_duck = time.perf_counter() - t0
    check = duck.set_index("account_id")["revenue_12m"].reindex(metrics.index)
    assert (check - metrics["revenue_12m"]).abs().max() < 0.01, "pandas and SQL disagree"
    print(json.dumps({"orders": len(tables["orders"]), "pandas_s": t_pandas, "duckdb_s": t_duck,
                      "scores": int(scores.shape[0])}))


def bench_scale() -> list[tuple[str, float, float]]:
    proc = subprocess.run([sys.executable, "-c", "from benchmarks.bench_scale import _work; _work()"],
                          capture_output=True, text=True, check=True)
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"  {N_ACCOUNTS:,} accounts, {res['orders']:,} order lines: kamlib metrics {res['pandas_s']:.2f} s, "
          f"same aggregates in DuckDB SQL {res['duckdb_s']:.2f} s, peak memory {peak_gb:.2f} GB (incl. generating)")
    return [
        (f"portfolio metrics, kamlib vs DuckDB SQL on {res['orders']:,} order lines, time ratio (goal <= 2)",
         res["pandas_s"] / res["duckdb_s"], 2.0),
        ("portfolio metrics peak memory in GB (goal <= 4)", peak_gb, 4.0),
    ]
