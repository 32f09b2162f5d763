"""kamlib.data.public: the CDNOW master file in the KAM data model.

The tests read the vendored copy in tests/data/cdnow/ (the same file the lifetimes wheel ships), so they do not
need lifetimes. Expected counts and sums are worked out from the raw lines of CDNOW_master.txt (``awk`` over the
file), not from the converter.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import kamlib
from kamlib.data import public as public_data


@pytest.fixture(scope="module")
def master(cdnow_master):
    return cdnow_master


# The first lines of the file, for the hand checks below:
#  00001 19970101  1   11.77
#  00002 19970112  1   12.00
#  00002 19970112  5   77.00
#  00003 19970102  2   20.76   ... six lines of customer 00003, four of 00004, eleven of 00005 ...
# first 10 customers: 40 lines, 105 CDs, $1,361.82;
# first 455 customers: 1,549 lines, 3,682 CDs, $56,085.57, one line of $0.00 (00455, its only purchase).


def test_first_ten_customers_match_the_raw_lines(master):
    t = public_data.cdnow(master, n_customers=10)
    acc, orders = t["accounts"], t["orders"]
    assert list(acc["account_id"]) == [f"C{i:05d}" for i in range(1, 11)]
    assert acc.loc[0, "name"] == "CDNOW customer 00001"
    assert len(orders) == 40
    assert orders["quantity"].sum() == 105
    assert orders["gross_revenue_eur"].sum() == pytest.approx(1361.82, abs=1e-9)
    first3 = orders.head(3)
    assert list(first3["order_id"]) == ["C00001-001", "C00002-001", "C00002-002"]
    assert list(first3["date"]) == [pd.Timestamp(d) for d in ("1997-01-01", "1997-01-12", "1997-01-12")]
    assert list(first3["gross_revenue_eur"]) == [11.77, 12.00, 77.00]  # dollars as they are
    assert list(first3["quantity"]) == [1, 1, 5]
    per = orders.groupby("account_id").size()
    assert per["C00003"] == 6 and per["C00004"] == 4 and per["C00005"] == 11
    # since = the first purchase: 00002's first line is 1997-01-12
    assert acc.set_index("account_id").loc["C00002", "since"] == pd.Timestamp("1997-01-12")


def test_zero_value_orders_are_kept(master):
    t = public_data.cdnow(master, n_customers=455)
    orders = t["orders"]
    assert (len(t["accounts"]), len(orders)) == (455, 1549)
    assert orders["quantity"].sum() == 3682
    assert orders["gross_revenue_eur"].sum() == pytest.approx(56085.57, abs=1e-6)
    zero = orders[orders["gross_revenue_eur"] == 0]
    assert list(zero["order_id"]) == ["C00455-001"]


def test_order_ids_are_stable_under_slicing(master):
    small = public_data.cdnow(master, n_customers=10)["orders"]
    full = public_data.cdnow(master)["orders"]
    assert full["order_id"].is_unique
    pd.testing.assert_frame_equal(small, full.head(len(small)))


def test_whole_file(master):
    t = public_data.cdnow(master)
    assert len(t["accounts"]) == 23570 and len(t["orders"]) == 69659
    assert (t["orders"]["gross_revenue_eur"] == 0).sum() == 80
    assert t["orders"]["date"].min() == pd.Timestamp("1997-01-01")
    assert t["orders"]["date"].max() == pd.Timestamp(public_data.CDNOW_AS_OF)


def test_converted_folder_validates(master, tmp_path):
    out = tmp_path / "cdnow"
    paths = public_data.write(public_data.cdnow(master, n_customers=455), out)
    assert sorted(p.name for p in paths) == ["accounts.csv", "orders.csv"]
    assert sorted(p.name for p in out.iterdir()) == ["accounts.csv", "orders.csv"]
    data = kamlib.load(out, as_of=public_data.CDNOW_AS_OF, warn=False)
    assert data.available == ("accounts", "orders")
    assert len(data.accounts) == 455 and len(data.orders) == 1549
    assert data.orders["gross_revenue_eur"].sum() == pytest.approx(56085.57, abs=1e-6)
    assert data.orders["quantity"].sum() == 3682


def test_write_refuses_to_overwrite(master, tmp_path):
    out = tmp_path / "c"
    out.mkdir()
    (out / "orders.csv").write_text("mine")
    tables = public_data.cdnow(master, n_customers=2)
    with pytest.raises(FileExistsError, match="not overwriting"):
        public_data.write(tables, out)
    assert (out / "orders.csv").read_text() == "mine"
    public_data.write(tables, out, force=True)
    assert (out / "orders.csv").read_text().startswith("order_id,account_id,date")


def test_without_lifetimes_one_clear_error(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(FileNotFoundError, match=r"lifetimes wheel, which is not installed.*pip install lifetimes"):
        public_data.cdnow()


def test_cli_without_the_default_file_says_what_to_do(tmp_path):
    # lifetimes blocked in the child process: the default file cannot be found, --path is the way out
    out = tmp_path / "cd"
    code = ("import sys; sys.modules['lifetimes'] = None; from kamlib.cli import main; "
            f"sys.exit(main(['public-data', 'cdnow', {str(out)!r}, '--customers', '3']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip() == ("kam public-data: the CDNOW master file ships in the lifetimes wheel, which is not "
                                "installed here: pip install lifetimes==0.11.3 (or pip install -e '.[dev]' in the "
                                "workbook's checkout), or pass the path of CDNOW_master.txt")
    assert not out.exists()


def test_malformed_line_is_named(tmp_path):
    f = tmp_path / "CDNOW_master.txt"
    f.write_text(" customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n"
                 " 00002 19971312  1   12.00\r\n")
    with pytest.raises(ValueError, match=r"line 3: date is not YYYYMMDD"):
        public_data.cdnow(f)


def test_cli_writes_and_refuses_to_overwrite(master, tmp_path):
    out = tmp_path / "cd"
    kam = [sys.executable, "-m", "kamlib.cli", "public-data", "cdnow", str(out), "--customers", "10",
           "--path", str(master)]
    r = subprocess.run(kam, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "10 accounts, 40 orders" in r.stdout
    before = (out / "orders.csv").read_bytes()
    again = subprocess.run(kam, capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "not overwriting (use --force)" in again.stderr
    assert "Traceback" not in again.stderr
    assert (out / "orders.csv").read_bytes() == before
    forced = subprocess.run(kam + ["--force"], capture_output=True, text=True, timeout=300)
    assert forced.returncode == 0, forced.stderr
