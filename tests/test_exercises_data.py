"""The exercises' data file (kamlib/teaching/exercises.toml) and the logic in exercises.py: each entry has its logic
and each logic its entry, and an entry that does not fit fails with an error naming the file and the exercise."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from importlib import resources

import pytest
from conftest import ROOT

from kamlib.data.datafile import DataFileError
from kamlib.teaching import exercises as E

SOURCE = "kamlib/teaching/exercises.toml"


def _text() -> str:
    return resources.files("kamlib.teaching").joinpath(E.DATA_FILE.name).read_text(encoding="utf-8")


def _section(text: str, exercise_id: str) -> str:
    """The lines of the exercise's tables (``["03.2"]``, ``["03.2".inputs]`` ...) in the data file's text."""
    start = text.index(f'["{exercise_id}"]')
    following = re.search(r'^\["(?!' + re.escape(exercise_id) + r'")', text[start:], flags=re.MULTILINE)
    return text[start : start + following.start()] if following else text[start:]


def _edited(exercise_id: str, old: str, new: str) -> str:
    """The data file's text with ``old`` replaced by ``new`` in the tables of exercise ``exercise_id``."""
    text = _text()
    section = _section(text, exercise_id)
    assert section.count(old) == 1, (exercise_id, old)
    return text.replace(section, section.replace(old, new))


def _error(text: str) -> str:
    with pytest.raises(DataFileError) as caught:
        E._exercises(E.DATA_FILE.parse(text))
    return str(caught.value)


def test_every_exercise_of_the_data_file_has_its_logic_and_every_logic_its_entry():
    data = tomllib.loads(_text())
    assert set(data) == set(E.ids())
    # multiple-choice exercises are all data (the right letter, the mistake of each wrong one); the others compute
    assert {i for i, entry in data.items() if entry["kind"] != "choice"} == set(E._LOGIC)
    for exercise_id, entry in data.items():
        if entry["kind"] == "choice":
            continue
        logic = E._LOGIC[exercise_id]
        own = {name for name, flags in entry["mistakes"].items() if not flags}
        assert own == set(logic.mistakes), exercise_id
        assert logic.variant is not None or own == set(entry["mistakes"]), exercise_id


def test_the_data_file_builds_the_registered_exercises():
    built = E._exercises(E.DATA_FILE.parse(_text()))
    assert [ex.id for ex in built] == E.ids()
    for ex in built:
        registered = E.get(ex.id)
        assert (ex.level, ex.kind, ex.tolerance, ex.decimals) == (
            registered.level,
            registered.kind,
            registered.tolerance,
            registered.decimals,
        )
        assert [m.key for m in ex.mistakes] == [m.key for m in registered.mistakes]


def test_a_mistake_given_as_flags_is_the_variant_of_the_computation():
    """03.1 (discount_forgotten = {no_discount = true}): the contribution margins without the discount.
    500,000 gross; DB I = 500,000 - 300,000 = 200,000; DB II = 200,000 - 8,000 marketing = 192,000;
    DB III = 192,000 - 25,000 sales = 167,000; DB IV = 167,000 - 12,000 service - 9,000 logistics = 146,000."""
    ex = E.get("03.1")
    forgotten = next(m for m in ex.mistakes if m.key == "discount_forgotten")
    assert forgotten.answer(dict(ex.inputs)) == {"db1": 200_000, "db2": 192_000, "db3": 167_000, "db4": 146_000}
    # 05.3 (per_kam_revenue = {per_kam = true, by = 1}): per KAM the accounts beyond capacity with the least revenue:
    # Weber has P01 P02 P04 P06 P08 for 3 places -> drops P04 (80) and P08 (200); Yilmaz 3 for 3, Novak 2 for 2
    ex = E.get("05.3")
    per_kam = next(m for m in ex.mistakes if m.key == "per_kam_revenue")
    assert per_kam.answer(dict(ex.inputs)) == ["P04", "P08"]


#: (exercise, text of its tables, replaced by, what the error says after the file's name)
BROKEN = [
    ("03.2", 'kind = "number"\n', "", "03.2.kind: missing"),
    ("03.2", "tolerance = 1.0", "tolerence = 1.0", "03.2.tolerence: unknown entry (allowed: level, kind, inputs,"),
    ("03.2", "tolerance = 1.0", 'tolerance = "1"', "03.2.tolerance: expected float, got '1'"),
    ("02.3", 'kind = "share"', "kind = true", "02.3.fields.penetration.kind: expected str, got True"),
    ("00.2", 'ids_of = "revenue"', 'ids_of = "revenues"', "00.2.ids_of: no input table 'revenues'"),
    # the mistakes of the data file and of the logic must match
    (
        "03.2",
        "no_discount = {}\n",
        "no_discount = {}\nmade_up = {}\n",
        "03.2.mistakes.made_up: no flags and no function",
    ),
    ("03.2", "no_minus_r = {}\n", "", "03.2.mistakes: the logic's mistakes ['no_minus_r'] are not listed"),
    ("03.2", "no_minus_r = {}", "no_minus_r = {swap = true}", "03.2.mistakes.no_minus_r: flags, but the logic has no"),
    ("03.2", "no_minus_r = {}", "no_minus_r = true", "03.2.mistakes.no_minus_r: expected dict, got True"),
]


@pytest.mark.parametrize(("exercise_id", "old", "new", "says"), BROKEN, ids=[b[3] for b in BROKEN])
def test_an_entry_that_does_not_fit_names_the_file_the_exercise_and_the_entry(exercise_id, old, new, says):
    assert _error(_edited(exercise_id, old, new)).startswith(f"{SOURCE}: {says}")


def test_an_entry_without_logic_and_logic_without_an_entry_are_refused():
    text = _text() + '\n["09.1"]\nlevel = "apply"\nkind = "number"\n\n["09.1".mistakes]\n'
    assert _error(text) == f"{SOURCE}: 09.1: no logic in exercises.py (_logic('09.1', ...))"
    text = _text()
    assert _error(text.replace(_section(text, "03.2"), "")) == (
        f"{SOURCE}: (top): no entry for the exercises ['03.2'] that exercises.py has logic for"
    )


def test_a_file_that_is_no_toml_names_the_file():
    assert _error('["03.2"\nlevel = "apply"').startswith(f"{SOURCE}: ")


def test_the_data_file_is_package_data():
    """A non-editable install carries the data file: pyproject's package-data of kamlib.teaching matches it."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = setuptools["package-data"]["kamlib.teaching"]
    assert any(fnmatch.fnmatch(E.DATA_FILE.name, p) for p in patterns), patterns
