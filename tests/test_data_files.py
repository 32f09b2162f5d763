"""kamlib's packaged data files (kamlib.data.datafile): each is read as shipped, and a malformed entry gives a
DataFileError that names the file and the entry's key (the cases: tests/data/malformed_entries.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kamlib.data import sample, schemas
from kamlib.data.datafile import DataFile, DataFileError
from kamlib.teaching import case, course

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


@pytest.mark.parametrize("file", list(LOADERS), ids=str)
def test_each_data_file_reads_as_shipped(file: DataFile):
    assert LOADERS[file](file.read())


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
