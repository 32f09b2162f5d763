"""PostgreSQL as a source, against a real server (CI installs and starts it; see .ci/run).

Set KAM_PG_URL (e.g. postgresql+psycopg://kam:kam@127.0.0.1:5432/kam) to run these on a laptop.
"""

from __future__ import annotations

import os
import uuid

import pandas as pd
import pytest
from conftest import AS_OF, ROOT, require_system

import kamlib

PG_URL = os.environ.get("KAM_PG_URL", "")


def _server_ok() -> bool:
    if not PG_URL:
        return False
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="module")
def pg_schema(sample_data):
    require_system("PostgreSQL server (KAM_PG_URL)", _server_ok())
    import sqlalchemy as sa

    schema = f"kam_test_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        for name in sample_data.available:
            target = "erp_orders" if name == "orders" else name  # one table under its own name
            getattr(sample_data, name).to_sql(target, conn, schema=schema, index=False)
    yield schema
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def _url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}kam_schema={schema}&kam_table_orders=erp_orders"


def test_postgres_loads_like_csv(pg_schema, sample_data):
    data = kamlib.load(_url(pg_schema), as_of=AS_OF)
    assert data.available == sample_data.available
    for name in data.available:  # a database has no row order: compare sorted
        left, right = (getattr(d, name) for d in (data, sample_data))
        cols = list(left.columns)
        pd.testing.assert_frame_equal(left.sort_values(cols).reset_index(drop=True),
                                      right.sort_values(cols).reset_index(drop=True), check_dtype=False, obj=name)
    assert ":kam@" not in data.source or "***" in data.source  # no password in reprs


def test_postgres_errors_name_the_table_and_row(pg_schema):
    import sqlalchemy as sa

    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE TABLE "{pg_schema}".accounts_bad AS SELECT * FROM "{pg_schema}".accounts'))
        conn.execute(sa.text(f"UPDATE \"{pg_schema}\".accounts_bad SET reference_value = 9 "
                             f"WHERE account_id = 'ACC-0007'"))
    engine.dispose()
    url = _url(pg_schema) + "&kam_table_accounts=accounts_bad"
    findings = kamlib.validate(url, as_of=AS_OF)
    assert len(findings) == 1
    text = str(findings[0])
    assert text.startswith(f"table {pg_schema}.accounts_bad row ") and "(account_id ACC-0007)" in text
    assert text.endswith("column reference_value: '9' is outside the allowed range 1 to 5")


def test_kam_validate_and_run_against_postgres(kam, pg_schema, tmp_path):
    url = _url(pg_schema)
    v = kam("validate", url, "--as-of", AS_OF)
    assert v.returncode == 0, v.stderr
    assert "orders" in v.stdout and "6,683 rows" in v.stdout
    r = kam("run", url, "--as-of", AS_OF, "--out", str(tmp_path), "--run-id", "pg", "--only", "00", cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "pg" / "00_start_here.html").is_file()
    # the password reaches the kernels through the environment, never the executed notebook;
    # --no-cache makes the notebook connect to the server itself
    password = url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
    r = kam("run", url, "--as-of", AS_OF, "--out", str(tmp_path), "--run-id", "pg2", "--only", "00", "--no-cache",
            cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    for run in ("pg", "pg2"):
        for f in (tmp_path / run).rglob("*"):
            if f.is_file():
                assert f":{password}@" not in f.read_text(encoding="utf-8", errors="replace"), f
