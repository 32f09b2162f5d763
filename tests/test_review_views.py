"""The view formats of the review tables, read from kamlib/review_views.toml (package data)."""

import pytest

from kamlib import review as rv


def test_every_view_of_the_package_file_is_read_and_checked():
    # the file the module reads: every entry passed the checks below; a few entries as written in the file
    assert rv.VIEWS["health"].cols["band"] == "band"
    assert rv.VIEWS["kpis"].rows["db4_margin_change"] == "pp" and rv.VIEWS["kpis"].default == "int"
    assert rv.VIEWS["plan_progress"].caption is None and rv.VIEWS["plan_progress"].default == "text"
    assert rv.VIEWS["moves"].names == {"previous": "moved_from", "current": "moved_to"}


def test_a_view_entry_as_written_becomes_its_format():
    views = rv.parse_views('[t]\ncaption = "plan"\ndefault = "eur"\ncols = { attainment = "pct" }\n', "x.toml")
    assert views == {"t": rv.ViewFormat(cols={"attainment": "pct"}, default="eur", caption="plan")}


@pytest.mark.parametrize(
    ("source", "named"),
    [
        # an unknown kind of cell: the file, the view and the column
        ('[health]\ncols = { score = "dec3" }\n', r"views\.toml \[health\] cols\.score: 'dec3' is not a kind"),
        ('[kpis]\nrows = { revenue = "euro" }\n', r"views\.toml \[kpis\] rows\.revenue: 'euro' is not a kind"),
        ('[plan]\ndefault = "money"\n', r"views\.toml \[plan\] default: 'money' is not a kind"),
        # a key the format does not have (a typo of cols)
        ('[plan]\ncolumns = { a = "pct" }\n', r"views\.toml \[plan\] columns: not a key of a view"),
        # a caption the catalogue does not have
        ('[plan]\ncaption = "plann"\n', r"views\.toml \[plan\] caption: 'plann' is not in the catalogue"),
        # a label key that is not text
        ("[moves]\nnames = { previous = 1 }\n", r"views\.toml \[moves\] names\.previous: 1 is not a label key"),
        # a part that is not a table, a view that is not a table, and text that is not TOML
        ('[plan]\ncols = "pct"\n', r"views\.toml \[plan\] cols: not a table"),
        ('plan = "eur"\n', r"views\.toml \[plan\] not a table"),
        ("[plan\n", r"views\.toml: "),
    ],
)
def test_a_malformed_entry_names_the_file_and_the_key(source, named):
    with pytest.raises(ValueError, match=named):
        rv.parse_views(source, "review_views.toml")


def test_the_views_file_is_package_data():
    # a non-editable install copies only what [tool.setuptools] package-data names: the file must be matched
    import fnmatch
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert (root / "kamlib" / rv.VIEWS_FILE).is_file()
    assert any(fnmatch.fnmatch(rv.VIEWS_FILE, pattern) for pattern in data.get("kamlib", []))
