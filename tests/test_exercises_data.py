"""The exercises' data file (kamlib/teaching/exercises.toml) and the logic in exercises.py: each entry has its logic
and each logic its entry, and an entry that does not fit fails with an error naming the file and the exercise."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest

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


def test_the_data_file_builds_its_exercises_as_written():
    """Three entries of the data file, their values copied from it by hand (not from the loader)."""
    built = {ex.id: ex for ex in E._exercises(E.DATA_FILE.parse(_text()))}
    assert list(built) == E.ids()
    # 00.2: a mapping with no tolerance or decimals given (defaults 0.0 and 2); its ids are the keys of its input
    # table revenue, its classes as listed, its three mistakes all flags of the variant, in the file's order
    ex = built["00.2"]
    assert (ex.level, ex.kind, ex.tolerance, ex.decimals) == ("apply", "mapping", 0.0, 2)
    assert ex.ids == ("K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8") and ex.classes == ("A", "B", "C")
    assert ex.inputs["revenue"]["K1"] == 400_000 and ex.inputs["revenue"]["K8"] == 10_000
    assert [m.key for m in ex.mistakes] == ["ascending", "cum_before", "strict_cutoff"]
    # 03.1: four number fields, each with tolerance 1.0 and five aliases
    ex = built["03.1"]
    assert (ex.level, ex.kind, ex.tolerance, ex.decimals) == ("apply", "fields", 0.0, 2)
    assert list(ex.fields) == ["db1", "db2", "db3", "db4"]
    assert ex.fields["db3"] == E.FieldSpec("number", ("db iii", "db_iii", "dbiii", "db_3", "db 3"), tolerance=1.0)
    assert [m.key for m in ex.mistakes] == [
        "discount_forgotten",
        "logistics_in_db2",
        "service_in_db3",
        "marketing_sales_swapped",
    ]
    # 05.3: ids of the ten accounts P01..P10, capacity 3 + 3 + 2 = 8 places, five mistakes
    ex = built["05.3"]
    assert (ex.level, ex.kind) == ("analyse", "ids")
    assert ex.ids == tuple(f"P{i:02d}" for i in range(1, 11))
    assert sum(ex.inputs["capacity"].values()) == 8
    assert [m.key for m in ex.mistakes] == [
        "lowest_revenue",
        "top_dropped",
        "per_kam",
        "per_kam_revenue",
        "kept_listed",
    ]
    # 00.1: a multiple-choice entry: the right letter b, options a to d, one mistake per wrong letter
    ex = built["00.1"]
    assert (ex.level, ex.kind, ex.options) == ("recall", "choice", ("a", "b", "c", "d"))
    assert ex.solution() == "b"
    assert [(m.key, m.answer({})) for m in ex.mistakes] == [("hunter_only", "a"), ("discounts", "c"), ("max_care", "d")]


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


#: (exercise, text of its tables, replaced by, what the error says after the file's name), from a data file
BROKEN = [
    (c["exercise"], c["old"], c["new"], c["says"])
    for c in tomllib.loads((Path(__file__).parent / "data" / "malformed_exercises.toml").read_text(encoding="utf-8"))[
        "cases"
    ]
]


@pytest.mark.parametrize(("exercise_id", "old", "new", "says"), BROKEN, ids=[b[3] for b in BROKEN])
def test_an_entry_that_does_not_fit_names_the_file_the_exercise_and_the_entry(exercise_id, old, new, says):
    assert _error(_edited(exercise_id, old, new)).startswith(f"{SOURCE}: {says}")


@pytest.mark.parametrize(
    "variant", [lambda x, **flags: 0, lambda x, *, swap: 0], ids=["takes **flags", "a flag without default"]
)
def test_a_variant_names_its_flags_with_their_defaults(monkeypatch, variant):
    """The data file's flags are checked against the variant's keyword-only parameters and their defaults' types:
    a variant taking any flag (**flags) or one without a default could not be checked."""
    monkeypatch.setattr(E, "_LOGIC", {})
    with pytest.raises(ValueError, match=r"^exercise 09\.1: the variant must name each flag, keyword-only with a"):
        E._logic("09.1", solve=lambda x: 0, variant=variant)


def test_an_entry_without_logic_and_logic_without_an_entry_are_refused():
    text = _text() + '\n["09.1"]\nlevel = "apply"\nkind = "number"\n\n["09.1".mistakes]\n'
    assert _error(text) == f"{SOURCE}: 09.1: no logic in exercises.py (_logic('09.1', ...))"
    text = _text()
    assert _error(text.replace(_section(text, "03.2"), "")) == (
        f"{SOURCE}: (top): no entry for the exercises ['03.2'] that exercises.py has logic for"
    )


def test_a_file_that_is_no_toml_names_the_file():
    assert _error('["03.2"\nlevel = "apply"').startswith(f"{SOURCE}: ")
