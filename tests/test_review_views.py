"""The view formats of the review tables, read from kamlib/review_views.toml (package data)."""

import pytest

from kamlib import review as rv
from kamlib.data.datafile import DataFileError


def test_every_view_of_the_package_file_is_read_and_checked():
    # the file the module reads: every entry passed the checks below; a few entries as written in the file
    assert rv.VIEWS["health"].cols["band"] == "band"
    assert rv.VIEWS["kpis"].rows["db4_margin_change"] == "pp" and rv.VIEWS["kpis"].default == "int"
    assert rv.VIEWS["plan_progress"].caption is None and rv.VIEWS["plan_progress"].default == "text"
    assert rv.VIEWS["moves"].names == {"previous": "moved_from", "current": "moved_to"}


def test_a_view_entry_as_written_becomes_its_format():
    views = rv.parse_views('[t]\ncaption = "plan"\ndefault = "eur"\ncols = { attainment = "pct" }\n')
    assert views == {"t": rv.ViewFormat(cols={"attainment": "pct"}, default="eur", caption="plan")}


@pytest.mark.parametrize(
    ("source", "named"),
    [
        # an unknown kind of cell: the file, the view and the column
        ('[health]\ncols = { score = "dec3" }\n', r"review_views\.toml: health\.cols\.score: 'dec3' is not one of"),
        ('[kpis]\nrows = { revenue = "euro" }\n', r"review_views\.toml: kpis\.rows\.revenue: 'euro' is not one of"),
        ('[plan]\ndefault = "money"\n', r"review_views\.toml: plan\.default: 'money' is not one of"),
        # a key the format does not have (a typo of cols): the keys allowed, as every data file names them
        (
            '[plan]\ncolumns = { a = "pct" }\n',
            r"review_views\.toml: plan\.columns: unknown entry \(allowed: cols, rows, default, names, caption\)",
        ),
        # a caption the catalogue does not have
        ('[plan]\ncaption = "plann"\n', r"review_views\.toml: plan\.caption: 'plann' is not one of"),
        # a label key that is not text
        ("[moves]\nnames = { previous = 1 }\n", r"review_views\.toml: moves\.names\.previous: expected str, got 1"),
        # a part that is not a table, a view that is not a table, and text that is not TOML
        ('[plan]\ncols = "pct"\n', r"review_views\.toml: plan\.cols: expected dict"),
        ('plan = "eur"\n', r"review_views\.toml: plan: expected dict"),
        ("[plan\n", r"review_views\.toml: "),
    ],
)
def test_a_malformed_entry_names_the_file_and_the_key(source, named):
    with pytest.raises(DataFileError, match=named):
        rv.parse_views(source)
