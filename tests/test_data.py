"""kamlib.load: dialects, sources and the bad-input corpus (each case's findings asserted exactly)."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import pandas as pd
import pytest
from conftest import ACCOUNTS, AS_OF, KAMS, ORDER_HEADER, ORDER_LINES, SAMPLE

import kamlib
from kamlib import KamDataError, KamDataWarning
from kamlib.data.datafile import DataFileError


def findings_of(folder: Path | str) -> list[str]:
    with pytest.raises(KamDataError) as exc:
        kamlib.load(folder, as_of=AS_OF, warn=False)
    return [str(f) for f in exc.value.findings]


# ----------------------------------------------------------------------------- valid inputs


def test_valid_case_loads(write_case, tmp_path):
    data = kamlib.load(write_case(tmp_path / "ok"), as_of=AS_OF)
    assert len(data.orders) == 16 and len(data.accounts) == 3
    assert data.orders["gross_revenue_eur"].iloc[0] == 1000.5
    assert data.accounts.loc[1, "name"] == "Schröder & Co. KG"
    assert data.accounts.loc[2, "name"] == "Dupont, Fils et Cie"
    assert set(data.available) == {"accounts", "kams", "products", "orders"}
    assert not data.has("contacts") and len(data.contacts) == 0
    assert list(data.contacts.columns)[:3] == ["contact_id", "account_id", "name"]


@pytest.mark.parametrize("encoding,bom", [("cp1252", b""), ("utf-8", b"\xef\xbb\xbf")])
def test_german_excel_csv_loads_with_right_numbers_and_dates(tmp_path, encoding, bom):
    accounts = ("account_id;name;industry;country;kam_id;since;reference_value;status\r\n"
                "ACC-1;Müller GmbH;automotive;DE;KAM-1;15.01.2020;4;active\r\n"
                "ACC-2;Größler Antriebe KG;chemicals;AT;;01.06.2021;2;active\r\n"
                "ACC-3;\"Dupont; Fils\";food;FR;KAM-1;01.03.2022;3;active\r\n")
    orders = ("order_id;account_id;date;product_id;quantity;gross_revenue_eur;discount_eur;cogs_eur\r\n"
              "O-1;ACC-1;31.12.2024;P-1;1.200;1.234,56;34,56;600,00\r\n"
              "O-2;ACC-2;02.01.2025;P-2;3;987,5;0;400\r\n"
              "O-3;ACC-3;28.02.2025;P-1;2;12.345.678,90;1.000,00;7.000.000,10\r\n")
    kams = "kam_id;name;level;capacity\r\nKAM-1;Anna Weiß;senior;4\r\n"
    products = "product_id;name;product_line\r\nP-1;Getriebe;gearboxes\r\nP-2;Motor;motors\r\n"
    folder = tmp_path / "de"
    folder.mkdir()
    for name, text in (("accounts", accounts), ("orders", orders), ("kams", kams), ("products", products)):
        (folder / f"{name}.csv").write_bytes(bom + text.encode(encoding))
    data = kamlib.load(folder, as_of=AS_OF)
    o = data.orders
    assert o["gross_revenue_eur"].tolist() == [1234.56, 987.5, 12345678.90]
    assert o["discount_eur"].tolist() == [34.56, 0.0, 1000.0]
    assert o["quantity"].tolist() == [1200.0, 3.0, 2.0]  # "1.200" is twelve hundred in a German file
    assert o["date"].tolist() == [pd.Timestamp("2024-12-31"), pd.Timestamp("2025-01-02"), pd.Timestamp("2025-02-28")]
    assert data.accounts["name"].tolist() == ["Müller GmbH", "Größler Antriebe KG", "Dupont; Fils"]
    assert data.accounts["since"].iloc[0] == pd.Timestamp("2020-01-15")
    assert data.kams["name"].iloc[0] == "Anna Weiß"


def test_english_thousands_separator_and_tabs(write_case, tmp_path):
    orders = "\n".join([ORDER_HEADER.replace(",", "\t"),
                        "O-1\tACC-1\t2025-01-02\tP-1\t1\t1,234.50\t0.5\t600"]) + "\n"
    data = kamlib.load(write_case(tmp_path / "en", orders=orders), as_of=AS_OF)
    assert data.orders["gross_revenue_eur"].tolist() == [1234.5]
    assert data.orders["discount_eur"].tolist() == [0.5]


def test_unknown_extra_column_and_file_are_warnings_not_errors(write_case, tmp_path):
    folder = write_case(tmp_path / "extra",
                        accounts=ACCOUNTS.replace("status\n", "status,notes\n", 1).replace("active\n", "active,x\n"))
    (folder / "customers.csv").write_text("a,b\n1,2\n")
    with pytest.warns(KamDataWarning) as rec:
        data = kamlib.load(folder, as_of=AS_OF)
    messages = [str(w.message) for w in rec]
    assert any("accounts.csv: column 'notes' is not part of the accounts table" in m for m in messages)
    assert any(m.startswith("customers.csv: not a table of the data model") for m in messages)
    assert len(data.warnings) == 2
    assert data.accounts["notes"].tolist() == ["x", "x", "x"]  # the user's own column survives


def test_header_names_are_matched_loosely(write_case, tmp_path):
    orders = "\n".join(["Order ID,Account_ID,Date,product-id,Quantity,Gross Revenue EUR,discount_eur,cogs_eur",
                        *ORDER_LINES]) + "\n"
    data = kamlib.load(write_case(tmp_path / "hdr", orders=orders), as_of=AS_OF)
    assert len(data.orders) == 16


def test_blank_lines_keep_row_numbers(write_case, tmp_path):
    lines = list(ORDER_LINES)
    lines.insert(3, "")  # a blank line in the file: row 5
    lines[7] = lines[7].replace("1060.50", "x1")  # file row 9: O-06
    orders = "\n".join([ORDER_HEADER, *lines]) + "\n"
    found = findings_of(write_case(tmp_path / "blank", orders=orders))
    assert found == ["orders.csv row 9 (order_id O-06), column gross_revenue_eur: 'x1' is not a number"]


# ----------------------------------------------------------------------------- the bad-input corpus


def test_missing_required_file(tmp_path, write_case):
    folder = write_case(tmp_path / "c")
    (folder / "orders.csv").unlink()
    assert findings_of(folder) == [f"{folder}: required table orders is missing (expected file orders.csv)"]


def test_missing_required_column(write_case, tmp_path):
    orders = "\n".join([ORDER_HEADER.replace(",gross_revenue_eur", ""),
                        *[",".join(p for j, p in enumerate(line.split(",")) if j != 5) for line in ORDER_LINES]])
    assert findings_of(write_case(tmp_path / "c", orders=orders)) == [
        "orders.csv, column gross_revenue_eur: required column is missing (the header has: order_id, account_id, "
        "date, product_id, quantity, discount_eur, cogs_eur)"
    ]


def test_wrong_type_names_file_row_column(write_case, with_order, tmp_path):
    orders = with_order(17, "O-15,ACC-1,2025-04-16,P-2,16,abc,0,10")
    assert findings_of(write_case(tmp_path / "c", orders=orders)) == [
        "orders.csv row 17 (order_id O-15), column gross_revenue_eur: 'abc' is not a number"
    ]


def test_wrong_date_and_whole_number(write_case, with_order, tmp_path):
    orders = with_order(3, "O-01,ACC-2,31.02.2025,P-2,2,1010.50,1,501")
    kams = KAMS.replace(",4\n", ",2.5\n")
    assert findings_of(write_case(tmp_path / "c", orders=orders, kams=kams)) == [
        "kams.csv row 2 (kam_id KAM-1), column capacity: '2.5' is not a whole number",
        "orders.csv row 3 (order_id O-01), column date: '31.02.2025' is not a date (use YYYY-MM-DD or DD.MM.YYYY)",
    ]


def test_empty_required_value(write_case, tmp_path):
    accounts = ACCOUNTS.replace("ACC-2,Schröder & Co. KG", "ACC-2,")
    assert findings_of(write_case(tmp_path / "c", accounts=accounts)) == [
        "accounts.csv row 3 (account_id ACC-2), column name: is empty, but a value is required"
    ]


def test_duplicate_id(write_case, with_order, tmp_path):
    orders = with_order(6, "O-03,ACC-2,2025-05-05,P-1,5,1040.50,4.00,504.25")
    assert findings_of(write_case(tmp_path / "c", orders=orders)) == [
        "orders.csv row 5 (order_id O-03), column order_id: duplicate value 'O-03'",
        "orders.csv row 6 (order_id O-03), column order_id: duplicate value 'O-03'",
    ]


def test_negative_quantity_and_revenue(write_case, with_order, tmp_path):
    orders = with_order(4, "O-02,ACC-3,2025-03-03,P-1,-3,-1020.50,0,502.25")
    assert findings_of(write_case(tmp_path / "c", orders=orders)) == [
        "orders.csv row 4 (order_id O-02), column gross_revenue_eur: '-1020.50' is negative; it must be 0 or more",
        "orders.csv row 4 (order_id O-02), column quantity: '-3' is negative; it must be 0 or more",
    ]


def test_date_after_as_of(write_case, with_order, tmp_path):
    orders = with_order(2, "O-00,ACC-1,2026-01-05,P-1,1,1000.50,0.00,500.25")
    assert findings_of(write_case(tmp_path / "c", orders=orders)) == [
        "orders.csv row 2 (order_id O-00), column date: date 2026-01-05 lies after as_of 2025-12-31"
    ]


def test_foreign_keys_to_unknown_account_product_kam(write_case, with_order, tmp_path):
    orders = with_order(8, "O-06,ACC-9,2025-07-07,P-7,7,1060.50,6.00,506.25")
    accounts = ACCOUNTS.replace("FR,KAM-1", "FR,KAM-7")
    assert findings_of(write_case(tmp_path / "c", orders=orders, accounts=accounts)) == [
        "accounts.csv row 4 (account_id ACC-3), column kam_id: 'KAM-7' is not a known kam_id (not in kams)",
        "orders.csv row 8 (order_id O-06), column account_id: 'ACC-9' is not a known account_id (not in accounts)",
        "orders.csv row 8 (order_id O-06), column product_id: 'P-7' is not a known product_id (not in products)",
    ]


def test_allowed_values_and_ranges(write_case, tmp_path):
    accounts = ACCOUNTS.replace("2020-01-15,4,active", "2020-01-15,7,gone")
    assert findings_of(write_case(tmp_path / "c", accounts=accounts)) == [
        "accounts.csv row 2 (account_id ACC-1), column reference_value: '7' is outside the allowed range 1 to 5",
        "accounts.csv row 2 (account_id ACC-1), column status: 'gone' is not an allowed value "
        "(allowed: active, prospect, lost)",
    ]


def test_empty_file(write_case, tmp_path):
    folder = write_case(tmp_path / "c", orders="")
    assert findings_of(folder) == ["orders.csv: the file is empty"]


def test_header_only_required_table(write_case, tmp_path):
    folder = write_case(tmp_path / "c", orders=ORDER_HEADER + "\n")
    assert findings_of(folder) == ["orders.csv: the orders table has no rows; it is required"]


def test_unreadable_encoding(write_case, tmp_path):
    bad = ACCOUNTS.encode("utf-8").replace("Müller".encode(), b"M\x81\x8dller")
    assert findings_of(write_case(tmp_path / "c", accounts=bad)) == [
        "accounts.csv row 2: unreadable encoding: byte 0x81 is neither UTF-8 nor Windows-1252 text; "
        "save the file as 'CSV UTF-8'"
    ]


def test_many_problems_are_all_listed_and_summarised(write_case, tmp_path):
    lines = [line.replace(",P-", ",P-", 1).replace(".50,", "x,", 1) for line in ORDER_LINES]
    orders = "\n".join([ORDER_HEADER, *lines]) + "\n"
    with pytest.raises(KamDataError) as exc:
        kamlib.load(write_case(tmp_path / "c", orders=orders), as_of=AS_OF)
    assert len(exc.value.findings) == 16
    text = str(exc.value)
    assert text.startswith("16 problems found in")
    KamDataError.max_shown, old = 5, KamDataError.max_shown
    try:
        short = str(KamDataError(exc.value.findings))
    finally:
        KamDataError.max_shown = old
    assert "... and 11 more:" in short and "11 in orders.csv, column gross_revenue_eur" in short


def test_missing_source():
    with pytest.raises(KamDataError, match="does/not/exist: not found"):
        kamlib.load("does/not/exist")


# ----------------------------------------------------------------------------- other sources


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def test_load_writes_nothing(sample_copy):
    def listing() -> list[str]:  # every file and folder, hidden ones included
        return sorted(str(p.relative_to(sample_copy)) for p in sample_copy.rglob("*"))

    before, names = _digest(sample_copy), listing()
    assert names == sorted(str(p.relative_to(SAMPLE)) for p in SAMPLE.rglob("*"))
    kamlib.load(sample_copy, as_of=AS_OF)
    assert _digest(sample_copy) == before
    assert listing() == names  # no new file or folder (no cache, no lock, no converted copy)


def _assert_same(a: kamlib.KamData, b: kamlib.KamData, *, sort: bool = False) -> None:
    assert a.available == b.available
    for name in a.available:
        left, right = getattr(a, name), getattr(b, name)
        if sort:  # databases have no row order; the loader sorts by id or by the model's columns
            cols = list(left.columns)
            left, right = (x.sort_values(cols).reset_index(drop=True) for x in (left, right))
        pd.testing.assert_frame_equal(left, right, check_dtype=False, obj=name)


def test_excel_workbook_matches_csv(sample_data, tmp_path):
    book = kamlib.export(sample_data, tmp_path / "sample.xlsx")
    _assert_same(sample_data, kamlib.load(book, as_of=AS_OF))


def test_parquet_folder_matches_csv(sample_data, tmp_path):
    folder = tmp_path / "pq"
    folder.mkdir()
    for name in sample_data.available:
        getattr(sample_data, name).to_parquet(folder / f"{name}.parquet")
    _assert_same(sample_data, kamlib.load(folder, as_of=AS_OF))


def test_sqlite_url_matches_csv(sample_data, tmp_path):
    url = f"sqlite:///{tmp_path / 'kam.db'}"
    kamlib.export(sample_data, url)
    loaded = kamlib.load(url, as_of=AS_OF)
    _assert_same(sample_data, loaded, sort=True)
    assert loaded.orders["order_id"].is_monotonic_increasing  # sorted by id: stable row numbers


def test_duckdb_url_matches_csv(sample_data, tmp_path):
    url = f"duckdb:///{tmp_path / 'kam.duckdb'}"
    kamlib.export(sample_data, url)
    _assert_same(sample_data, kamlib.load(url, as_of=AS_OF), sort=True)
    missing = tmp_path / "none.duckdb"
    assert findings_of(f"duckdb:///{missing}") == [f"duckdb:///{missing}: database file '{missing}' not found"]
    assert not missing.exists()


def test_sql_errors_name_the_table(sample_data, tmp_path):
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'bad.db'}"
    kamlib.export(sample_data, url, tables=["accounts", "orders"])
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE orders SET gross_revenue_eur = -1 WHERE order_id = "
                             "(SELECT order_id FROM orders ORDER BY rowid LIMIT 1 OFFSET 4)"))
    engine.dispose()
    found = findings_of(url)
    assert len(found) == 1
    assert found[0].startswith("table orders row 5 (order_id ")
    assert found[0].endswith("column gross_revenue_eur: '-1.0' is negative; it must be 0 or more")


def test_missing_sqlite_file_is_not_created(tmp_path):
    db = tmp_path / "nope.db"
    assert findings_of(f"sqlite:///{db}") == [f"sqlite:///{db}: database file '{db}' not found"]
    assert not db.exists()


def test_export_never_overwrites(sample_data, tmp_path):
    book = tmp_path / "x.xlsx"
    book.write_text("precious")
    with pytest.raises(FileExistsError, match=r"x\.xlsx exists; not overwriting"):
        kamlib.export(sample_data, book)
    assert book.read_text() == "precious"


def test_excel_sheet_rows_are_numbered_like_excel(sample_data, tmp_path):
    book = tmp_path / "b.xlsx"
    with pd.ExcelWriter(book) as xw:
        sample_data.accounts.to_excel(xw, sheet_name="accounts", index=False)
        o = sample_data.orders.head(10).copy()
        o["quantity"] = o["quantity"].astype(object)
        o.loc[6, "quantity"] = "viele"
        o.to_excel(xw, sheet_name="orders", index=False)
    found = findings_of(book)
    assert found == [f"b.xlsx, sheet orders row 8 (order_id {o.loc[6, 'order_id']}), column quantity: "
                     "'viele' is not a number"]


def test_kamdata_is_frozen(make_data):
    import dataclasses

    accounts = pd.DataFrame({"account_id": ["A", "B"], "name": ["Anton AG", "Berta GmbH"]})
    orders = pd.DataFrame({"order_id": ["o1", "o2", "o3"], "account_id": ["A", "A", "B"]})
    data = make_data(accounts, orders)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'orders'"):
        data.orders = accounts  # type: ignore[misc]
    assert data.orders is orders
    # the repr counts the rows of the available tables, in the data model's order
    assert repr(data) == "KamData(source='test', as_of=2025-12-31, accounts=2, orders=3)"


def test_validate_returns_findings(write_case, with_order, tmp_path):
    folder = write_case(tmp_path / "c", orders=with_order(17, "O-15,ACC-1,2025-04-16,P-2,16,abc,0,10"))
    assert [f.row for f in kamlib.validate(folder, as_of=AS_OF)] == [17]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kamlib.validate(write_case(tmp_path / "ok"), as_of=AS_OF) == []


def test_absent_optional_columns_exist_empty(write_case, tmp_path):
    orders = "order_id,account_id,date,gross_revenue_eur\nO-1,ACC-1,2025-01-02,10\n"
    data = kamlib.load(write_case(tmp_path / "min", orders=orders, kams=None, products=None,
                                  accounts="account_id,name\nACC-1,Solo GmbH\n"), as_of=AS_OF)
    assert list(data.orders.columns[:9]) == ["order_id", "account_id", "date", "product_id", "business_unit",
                                             "quantity", "gross_revenue_eur", "discount_eur", "cogs_eur"]
    assert data.orders["discount_eur"].isna().all() and data.orders["discount_eur"].dtype == "float64"
    assert data.accounts["since"].dtype.kind == "M"


def test_huge_and_infinite_numbers_are_findings(write_case, with_order, tmp_path):
    kams = "kam_id,name,level,capacity\nKAM-1,Anna,senior,1e20\n"
    orders = with_order(3, "O-01,ACC-2,2025-02-02,P-2,2,1e999,1,501")
    assert findings_of(write_case(tmp_path / "c", kams=kams, orders=orders)) == [
        "kams.csv row 2 (kam_id KAM-1), column capacity: '1e20' is too large",
        "orders.csv row 3 (order_id O-01), column gross_revenue_eur: '1e999' is not a number",
    ]


def test_extra_field_in_a_row_is_an_error_not_a_shift(write_case, with_order, tmp_path):
    orders = with_order(4, "O-02,ACC-3,2025-03-03,P-1,3,1020.50,2.00,502.25,EXTRA")
    found = findings_of(write_case(tmp_path / "c", orders=orders))
    assert len(found) == 1 and found[0].startswith("orders.csv row 4: wrong number of fields")


def test_duplicate_header_is_an_error(write_case, tmp_path):
    orders = "\n".join([ORDER_HEADER + ",gross_revenue_eur", *[ln + ",1" for ln in ORDER_LINES]]) + "\n"
    assert findings_of(write_case(tmp_path / "c", orders=orders)) == [
        "orders.csv row 1: the header names column 'gross_revenue_eur' more than once; keep one"
    ]


def test_empty_optional_file_is_a_warning_and_na_rows_are_not_blank(write_case, tmp_path):
    folder = write_case(tmp_path / "c", kams="", accounts=ACCOUNTS.replace("ACC-1,Müller GmbH,automotive,DE,KAM-1",
                                                                           "ACC-1,Müller GmbH,automotive,DE,"))
    with pytest.warns(KamDataWarning, match="kams.csv: the file is empty; the optional table kams is treated"):
        data = kamlib.load(folder, as_of=AS_OF)
    assert not data.has("kams") and "kams" not in data.available
    folder2 = write_case(tmp_path / "d", accounts=ACCOUNTS + "NA,NA,,,,,,\n")
    data2 = kamlib.load(folder2, as_of=AS_OF, warn=False)
    assert "NA" in data2.accounts["account_id"].tolist()  # an account literally called NA is kept


def test_loading_data_imports_no_other_dataframe_library():
    """Validating the tables is pandas only: pandera's ``DataFrameModel.to_schema`` imported every dataframe
    library it supports that is installed (Dask: 0.4 s, in every ``kam run``, ``kam validate`` and cold kernel
    with the dask extra or the dev tools installed)."""
    import importlib.util
    import subprocess
    import sys

    assert importlib.util.find_spec("dask") is not None  # installed here (dev extra), so the check can fail
    code = ("import sys, kamlib; kamlib.load(kamlib.SAMPLE); "
            "print(sorted(m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('dask', 'modin', 'pyspark', 'polars')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_column_kinds_table_matches_the_pandera_schemas():
    """schemas.COLUMN_KINDS (from schemas.toml's kinds) says what each table's pandera schema checks."""
    from kamlib.data import schemas

    def kind(dtype: str) -> str:
        dtype = dtype.lower()
        return ("date" if "datetime" in dtype else "integer" if "int" in dtype
                else "number" if "float" in dtype else "text")

    for table, spec in schemas.TABLES.items():
        from_schema = {name: (kind(str(col.dtype)), bool(col.required), bool(col.nullable))
                       for name, col in spec.schema.columns.items()}
        assert schemas.column_kinds(table) == from_schema, table


_MODEL_FILE = """
[accounts]
required = true
key = "account_id"

[accounts.columns]
account_id = { kind = "text", unique = true }
stage = { kind = "text", optional = true, allowed = "relationship_stages" }

[wallet]
foreign_keys = { account_id = "accounts" }
unique = ["account_id", "product_line"]

[wallet.columns]
account_id = { kind = "text" }
product_line = { kind = "text" }
potential_eur = { kind = "number", min = 0 }
"""


def test_the_tables_schemas_keep_their_names_in_the_module():
    """README: a user validates a DataFrame with ``kamlib.data.schemas.Orders.validate(df)``."""
    from pandera.errors import SchemaError

    from kamlib.data import schemas

    assert schemas.Orders is schemas.TABLES["orders"].schema and schemas.Orders.name == "Orders"
    assert schemas.KeyAccountDecisions is schemas.TABLES["key_account_decisions"].schema
    with pytest.raises(SchemaError, match="gross_revenue_eur"):  # -5.0 is below the minimum 0
        schemas.Orders.validate(pd.DataFrame({"order_id": ["O1"], "account_id": ["A"], "date": pd.to_datetime(["2025-01-02"]), "gross_revenue_eur": [-5.0]}))


def test_the_tables_schemas_are_written_out_in_the_module():
    """schemas.py names each table's schema in a line of its own (``Orders = TABLES["orders"].schema``), so mypy and an
    editor see it, and a table called ``date`` or ``entry`` could not replace ``Date`` or ``Entry`` (as
    ``globals().update`` could)."""
    import ast

    from kamlib.data import schemas

    tree = ast.parse(Path(schemas.__file__).read_text(encoding="utf-8"))
    assigned = {
        target.id: ast.unparse(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for name, spec in schemas.TABLES.items():
        assert assigned.get(spec.schema.name) == f"TABLES['{name}'].schema", name
        assert getattr(schemas, spec.schema.name) is spec.schema
    assert "globals()" not in Path(schemas.__file__).read_text(encoding="utf-8")


def test_the_decision_register_and_the_account_plan_keep_their_docstrings():
    """schemas.toml's ``doc``: the schemas' descriptions as before the move to TOML (0ccfa8d's class docstrings,
    their line breaks and indentation joined to single spaces); a table without ``doc`` has none."""
    from kamlib.data import schemas

    assert schemas.KeyAccountDecisions.description == (
        "The decision register: the definitive key-account list as management pinned it, one row per account and "
        "decision date. The rows of the latest ``decided_on`` (up to ``as_of``) are the pinned decision; earlier "
        "dates are the history notebook 05 compares with."
    )
    assert schemas.AccountPlans.description == (
        "The account plan, one row per item: the customer's goals and plans, our objectives, strategy and USP "
        "(internal), the account team on both sides and the goals agreed with the customer (owners, due, status)."
    )
    assert schemas.Orders.description is None
    with pytest.raises(DataFileError, match=r"^kamlib/data/schemas.toml: wallet.doc: expected str, got 1$"):
        schemas.table_specs(schemas.SCHEMA_FILE.parse(_MODEL_FILE.replace("[wallet]\n", "[wallet]\ndoc = 1\n")))


def test_the_data_model_file_builds_the_tables_schemas_and_specs():
    from pandera.errors import SchemaErrors

    from kamlib.data import schemas

    specs = schemas.table_specs(schemas.SCHEMA_FILE.parse(_MODEL_FILE))
    wallet = specs["wallet"]
    assert wallet.schema.name == "Wallet" and not wallet.required and wallet.key is None
    assert wallet.foreign_keys == (schemas.ForeignKey("account_id", "accounts", "account_id"),)
    assert specs["accounts"].required and specs["accounts"].key == "account_id"
    frame = pd.DataFrame({"account_id": ["A", "A", "B"], "product_line": ["x", "x", "x"], "potential_eur": [1.0, -2.0, 0.0]})
    with pytest.raises(SchemaErrors) as err:
        wallet.schema.validate(frame, lazy=True)
    checks = set(err.value.failure_cases["check"].astype(str))
    # row 1: -2.0 is below min = 0; rows 0 and 1 repeat (A, x), the unique combination
    assert checks == {"greater_than_or_equal_to(0)", "multiple_fields_uniqueness"}


# ----------------------------------------------------------------------------- the account plan (issue 14)

PLAN_HEADER = "item_id,account_id,section,text,owner_ours,owner_customer,due,status,result,updated_on"
PLAN_LINES = (
    "PLAN-1,ACC-1,customer_goal,Werk Süd bis 2027 verdoppeln,,,,,,2025-11-03",
    "PLAN-2,ACC-1,agreed_goal,Ausfallzeiten Linie 3 halbieren,Anna Weiß,Jens Koch,2026-03-31,on_track,,2025-12-01",
    "PLAN-3,ACC-3,strategy,\"Service zuerst, dann Motoren\",,,,,,2025-10-10",
)


def _plans(*replace: tuple[int, str]) -> str:
    lines = list(PLAN_LINES)
    for row, line in replace:
        lines[row - 2] = line
    return "\n".join([PLAN_HEADER, *lines]) + "\n"


def test_account_plans_load_from_folder_excel_and_sql(write_case, tmp_path):
    folder = write_case(tmp_path / "ok")
    (folder / "account_plans.csv").write_text(_plans(), encoding="utf-8")
    data = kamlib.load(folder, as_of=AS_OF)
    assert data.has("account_plans") and len(data.account_plans) == 3
    assert data.account_plans["due"].dtype.kind == "M" and data.account_plans["updated_on"].dtype.kind == "M"
    assert data.account_plans.loc[2, "text"] == "Service zuerst, dann Motoren"  # the quoted comma stays text
    # the same plan as an Excel sheet and as a SQL table
    book = kamlib.export(data, tmp_path / "book.xlsx")
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    kamlib.export(data, url)
    for source in (book, url):
        other = kamlib.load(source, as_of=AS_OF)
        pd.testing.assert_frame_equal(other.account_plans, data.account_plans, check_dtype=False)
    # without the file the table is empty with its columns
    bare = kamlib.load(write_case(tmp_path / "bare"), as_of=AS_OF)
    assert not bare.has("account_plans") and list(bare.account_plans.columns) == PLAN_HEADER.split(",")


def test_account_plans_bad_section_status_date_and_account(write_case, tmp_path):
    folder = write_case(tmp_path / "c")
    plans = _plans(
        (2, "PLAN-1,ACC-1,goal,Werk Süd bis 2027 verdoppeln,,,,,,2025-11-03"),
        (3, "PLAN-2,ACC-9,agreed_goal,Ausfallzeiten halbieren,Anna Weiß,Jens Koch,31.13.2026,late,,2026-01-05"),
    )
    (folder / "account_plans.csv").write_text(plans, encoding="utf-8")
    assert findings_of(folder) == [
        "account_plans.csv row 2 (item_id PLAN-1), column section: 'goal' is not an allowed value (allowed: "
        "customer_goal, customer_plan, objective, strategy, usp, team_ours, team_customer, agreed_goal)",
        "account_plans.csv row 3 (item_id PLAN-2), column account_id: 'ACC-9' is not a known account_id "
        "(not in accounts)",
        "account_plans.csv row 3 (item_id PLAN-2), column due: '31.13.2026' is not a date (use YYYY-MM-DD or "
        "DD.MM.YYYY)",
        "account_plans.csv row 3 (item_id PLAN-2), column status: 'late' is not an allowed value (allowed: open, "
        "on_track, at_risk, done, missed, dropped)",
        "account_plans.csv row 3 (item_id PLAN-2), column updated_on: date 2026-01-05 lies after as_of 2025-12-31",
    ]


def test_plan_items_orders_and_flags_overdue_items():
    """schemas.plan_items: the one place that orders a plan's items and says which are overdue (profile and review
    both use it)."""
    from kamlib.data import schemas

    items = pd.DataFrame(
        {
            "item_id": ["P1", "P2", "P3", "P4", "P5"],
            "section": ["agreed_goal", "objective", "objective", "customer_goal", "objective"],
            "status": ["open", "missed", "done", None, "open"],
            "due": pd.to_datetime(["2025-06-30", "2025-12-30", "2025-01-01", None, "2026-01-31"]),
        }
    )
    out = schemas.plan_items(items, pd.Timestamp("2025-12-31"))
    # section order of PLAN_SECTIONS: customer_goal (P4), objective (by due: P3, P2, P5), agreed_goal (P1)
    assert out["item_id"].tolist() == ["P4", "P3", "P2", "P5", "P1"]
    assert out.index.tolist() == [0, 1, 2, 3, 4]
    # P3 is done (never overdue), P4 has no due date, P5 is due after the date; P2 missed is still overdue
    assert out["overdue"].tolist() == [False, False, True, False, True]
    # P2: 2025-12-30 -> 2025-12-31 = 1 day; P1: 2025-06-30 -> 2025-12-31 = 31+31+30+31+30+31 = 184 days
    assert out["days_overdue"].tolist() == [pd.NA, pd.NA, 1, pd.NA, 184]
    assert str(out["days_overdue"].dtype) == "Int64" and out["overdue"].dtype == bool
    # an order of only some sections (the review's progress: objectives first, then the agreed goals)
    some = schemas.plan_items(
        items[items["section"] != "customer_goal"], pd.Timestamp("2025-12-31"), sections=("objective", "agreed_goal")
    )
    assert some["item_id"].tolist() == ["P3", "P2", "P5", "P1"]
    # without a date nothing is overdue
    none = schemas.plan_items(items, None)
    assert not none["overdue"].any() and none["days_overdue"].isna().all()
