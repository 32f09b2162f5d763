"""kamlib's packaged data files (kamlib.data.datafile): each is read as shipped (all six, with values written out from
the files), and a malformed entry gives a DataFileError that names the file and the entry's key (the cases of the
four files of LOADERS: tests/data/malformed_entries.toml; those of exercises.toml and review_views.toml:
tests/test_exercises_data.py and tests/test_review_views.py)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kamlib import review
from kamlib.data import sample, schemas
from kamlib.data.datafile import DataFile, DataFileError
from kamlib.teaching import case, course, exercises

#: Each data file and its loader (from the parsed file to what the module uses).
LOADERS = {
    course.AGENDA_FILE: course.agendas,
    sample.MASTER_FILE: sample.master_data,
    schemas.SCHEMA_FILE: schemas.table_specs,
    case.FILLS_FILE: case.fills,
}
CASES = tomllib.loads((Path(__file__).parent / "data" / "malformed_entries.toml").read_text(encoding="utf-8"))


def _cases() -> list:
    files = {str(f): f for f in LOADERS}
    return [
        pytest.param(files[name], c, id=f"{name.rsplit('/', 1)[1]}:{c['key']}")
        for name, table in CASES.items()
        for c in table["cases"]
    ]


def test_each_data_file_reads_as_shipped():
    """What each loader makes of its file as shipped, written out from the file (not compared with itself)."""
    agendas = course.agendas(course.AGENDA_FILE.read())
    assert {agenda: [len(day) for day in days] for agenda, days in agendas.items()} == {"1day": [12], "2day": [10, 12]}
    assert agendas["2day"][1][-1] == course.Session("close_long", 20, "close", "", ("05.4",), (("transfer", 15), ("feedback", 5)))

    master = sample.master_data(sample.MASTER_FILE.read())
    assert (master.company, master.ceo) == ("Rheinwerk Antriebstechnik GmbH", "Dr. Katharina Weiß")
    assert master.products[0] == ("Planetengetriebe PG-25", 0, 480.0) and len(master.products) == 42
    assert master.industry_lines[6].tolist() == [1.0, 2.0, 3.0, 3.0, 2.0]  # Medical Technology
    # ranks 1-7, 9, 10, 12, 14, 16, 18 of the file, less one
    assert sorted(master.curated) == [0, 1, 2, 3, 4, 5, 6, 8, 9, 11, 13, 15, 17]
    assert master.curated[17] == ("Windpark-Service Küste GmbH", 5, "DE", "Bremen")  # industry 5: Energy
    assert master.countries[9][:3] == ("US", "en", 0.03) and master.countries[9][3][1] == ("Detroit", "America/Detroit")
    assert sorted(master.sectors) == ["de", "en", "fr", "it"]

    specs = schemas.table_specs(schemas.SCHEMA_FILE.read())
    assert list(specs) == [
        "accounts", "kams", "products", "orders", "service_costs", "interactions", "complaints", "contacts", "wallet",
        "competitors", "targets", "actions", "ratings", "key_account_decisions", "account_plans",
    ]
    orders = specs["orders"]
    assert (orders.required, orders.key, orders.past_dates) == (True, "order_id", ("date",))
    assert orders.foreign_keys == (
        schemas.ForeignKey("account_id", "accounts", "account_id"), schemas.ForeignKey("product_id", "products", "product_id")
    )
    assert specs["complaints"].past_dates == ("opened", "closed")

    fills = case.fills(case.FILLS_FILE.read())
    assert list(fills) == ["stories", "booklet", "roleplay", "trainer"]
    first_year = fills["stories"]["declining"]["first_year"]
    assert (first_year.fact, first_year.format, first_year.item) == ("years", "plain", 0)

    shipped = exercises._exercises(exercises.DATA_FILE.read())
    assert len(shipped) == 32 and [e.id for e in shipped[:6]] == ["00.1", "00.2", "00.3", "00.4", "00.5", "01.1"]
    assert (shipped[0].level, shipped[0].kind, shipped[0].options) == ("recall", "choice", ("a", "b", "c", "d"))

    views = review.parse_views(review.VIEWS_FILE.text())
    assert list(views)[:3] == ["plan", "bridge", "kpis"] and len(views) == 14
    assert (views["plan"].default, views["plan"].cols["attainment"], views["plan"].caption) == ("eur", "pct", "plan")


def test_every_data_file_has_malformed_cases():
    assert set(CASES) == {str(f) for f in LOADERS}


@pytest.mark.parametrize("file, case_", _cases())
def test_a_malformed_entry_names_the_file_and_the_key(file: DataFile, case_: dict):
    text = file.text()
    assert case_["old"] in text, case_["old"]  # the case still matches the shipped file
    with pytest.raises(DataFileError) as err:
        LOADERS[file](file.parse(text.replace(case_["old"], case_["new"], 1)))
    message = str(err.value)
    assert message.startswith(f"{file}: {case_['key']}: "), message
    assert case_["problem"] in message, message


def test_a_toml_syntax_error_names_the_file():
    with pytest.raises(DataFileError, match=r"^kamlib/teaching/agendas.toml: .*line 1"):
        course.AGENDA_FILE.parse("[[1day]\n")
