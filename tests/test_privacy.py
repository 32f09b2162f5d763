"""A per-account report folder holds that account's data only.

A KAM forwards ``reports/<run>/accounts/<id>/`` to the customer's team (or to the customer). Nothing in it
may name another account or show another account's figures: portfolio tables and extracts live at the
run's top level only (the portfolio view). This module runs ``kam run`` once for two key accounts and scans
every file of each account folder (HTML, executed notebook, CSV) for the ids and names of all other
accounts of the sample company.

Charts are rendered as SVG with their text kept as text for this run (an IPython profile and a matplotlibrc
in a temporary folder, inherited by the notebook kernels), so a name written into a chart label is found
as well; in normal runs they are PNG.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import AS_OF, ROOT, SAMPLE

from kamlib.batch import runner

ID_RE = re.compile(r"\bACC-\d+\b")
PREFIX = 20  # chart labels and narrow table columns cut names; a unique 20-character prefix still names the account
_IMAGE_DATA = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=\s]+")


def _strings(node) -> list[str]:
    """Every string in a JSON document, except base64 image payloads."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    if isinstance(node, dict):
        return [s for k, v in node.items() if not (k.startswith("image/") and k != "image/svg+xml")
                for s in _strings(v)]
    return []


def readable_text(path: Path) -> str:
    """The text a reader of ``path`` sees: HTML and notebook entities decoded, CSV cells unquoted."""
    raw = path.read_text(encoding="utf-8-sig", errors="replace")
    if path.suffix == ".ipynb":
        text = "\n".join(_strings(json.loads(raw)))
    elif path.suffix == ".csv":
        text = "\n".join("\t".join(cell.lstrip("'") for cell in row) for row in csv.reader(io.StringIO(raw)))
    else:
        text = raw
    return html.unescape(html.unescape(_IMAGE_DATA.sub(" ", text)))


def name_patterns(names: pd.Series) -> dict[str, list[str]]:
    """Per account id, the strings that name it: its full name and, if unique, its first PREFIX characters."""
    prefixes = names.str[:PREFIX]
    shared = set(prefixes[prefixes.duplicated(keep=False)])
    return {acc: [name] + ([name[:PREFIX]] if len(name) > PREFIX and name[:PREFIX] not in shared else [])
            for acc, name in names.items()}


def foreign_mentions(text: str, own_id: str, names: pd.Series) -> dict[str, set[str]]:
    """Ids and names of accounts other than ``own_id`` found in ``text``: {"ids": ..., "names": ...}."""
    own_name = names[own_id]
    found_ids = {m for m in ID_RE.findall(text) if m in names.index and m != own_id}
    text = text.replace(own_name, " ")  # another name may be part of this account's own name
    found_names = set()
    for acc, (name, *prefix) in name_patterns(names).items():
        # a prefix that is also part of this account's own name could come from a cut own name
        patterns = [name] + [p for p in prefix if p not in own_name]
        if acc != own_id and any(p in text for p in patterns):
            found_names.add(f"{acc} {names[acc]}")
    return {"ids": found_ids, "names": found_names}


# --------------------------------------------------------------------------- the scanner itself


def test_scanner_finds_ids_and_names_robustly():
    names = pd.Series({"ACC-0001": "Müller & Söhne GmbH", "ACC-0002": "Müller & Söhne GmbH & Co. KG Nord",
                       "ACC-0010": "Brauerei \"Zum Löwen\" Maier, Söhne & Co. KG"})
    own = "ACC-0002"
    # the own name contains ACC-0001's name; ACC-00011 is no id of ACC-0001; ACC-0010 only by a cut name
    text = "ACC-0002 Müller &amp; Söhne GmbH &amp; Co. KG Nord, see ACC-00011 and Brauerei \"Zum Löwen\" M..."
    found = foreign_mentions(html.unescape(text), own, names)
    assert found == {"ids": set(), "names": {"ACC-0010 Brauerei \"Zum Löwen\" Maier, Söhne & Co. KG"}}
    assert foreign_mentions("ACC-0001: Müller & Söhne GmbH", own, names) == {
        "ids": {"ACC-0001"}, "names": {"ACC-0001 Müller & Söhne GmbH"}}


def test_readable_text_decodes_each_format(tmp_path):
    (tmp_path / "a.csv").write_text('account_id,name\nACC-0010,"Brauerei ""Zum Löwen"" Maier"\n', encoding="utf-8-sig")
    (tmp_path / "a.html").write_text("<td>Brauerei &quot;Zum L&ouml;wen&quot; Maier</td>", encoding="utf-8")
    nb = {"cells": [{"outputs": [{"data": {"text/html": "<td>Brauerei &quot;Zum Löwen&quot; Maier</td>",
                                           "image/png": "QUNDLTAwMTA="}}]}]}
    (tmp_path / "a.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    for suffix in ("csv", "html", "ipynb"):
        assert 'Brauerei "Zum Löwen" Maier' in readable_text(tmp_path / f"a.{suffix}"), suffix


@pytest.mark.parametrize("stem", ["02_account_profile", "03_customer_value", "04_review_cycle"])
def test_parameter_defaults_the_run_sets_are_dropped(stem):
    """An example account in a parameters cell (default or comment) must not reach another account's notebook."""
    import ast

    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    before = cell.source
    dropped = runner.drop_set_defaults(nb, {"source": "x", "as_of": "2025-12-31", "account_id": "ACC-0071",
                                            "output_dir": "out"})
    assert "account_id" in dropped and "output_dir" in dropped
    assert not re.search(r"^account_id\b", cell.source, re.M) and not ID_RE.search(cell.source)
    ast.parse(cell.source)  # still a valid parameters cell
    kept = [ln for ln in before.splitlines() if ln.startswith("lang")]
    assert kept and kept[0] in cell.source.splitlines()  # parameters the run leaves alone stay as they were


# --------------------------------------------------------------------------- a real run


@pytest.fixture(scope="module")
def privacy_run(tmp_path_factory):
    import kamlib

    data = kamlib.load(SAMPLE, as_of=AS_OF)
    ids = [acc for acc, _ in runner.select_accounts(data, {})[:2]]
    tmp = tmp_path_factory.mktemp("privacy")
    (tmp / "ipython" / "profile_default").mkdir(parents=True)
    (tmp / "ipython" / "profile_default" / "ipython_kernel_config.py").write_text(
        'c.InlineBackend.figure_formats = {"svg"}\n')
    (tmp / "matplotlibrc").write_text("svg.fonttype: none\n")  # chart text stays text
    with pytest.MonkeyPatch.context() as mp:  # the pool's workers and their kernels inherit the environment
        mp.setenv("IPYTHONDIR", str(tmp / "ipython"))
        mp.setenv("MATPLOTLIBRC", str(tmp / "matplotlibrc"))
        result = runner.run_workbook(str(SAMPLE), notebooks_dir=ROOT / "notebooks", out=tmp / "reports",
                                     parameters={"as_of": AS_OF}, accounts=ids, only=["02", "03", "04"],
                                     quiet=True)
    names = data.accounts.set_index("account_id")["name"].astype(str)
    return result, ids, names


def test_run_succeeded(privacy_run):
    result, ids, _ = privacy_run
    assert result.failed == []
    for acc in ids:
        folder = result.run_dir / "accounts" / runner.safe_name(acc)
        assert {p.name for p in folder.glob("*.html")} == {
            "02_account_profile.html", "03_customer_value.html", "04_review_cycle.html"}


def test_account_folder_names_no_other_account(privacy_run):
    result, ids, names = privacy_run
    leaks = {}
    for acc in ids:
        folder = result.run_dir / "accounts" / runner.safe_name(acc)
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        assert files
        for path in files:
            found = foreign_mentions(readable_text(path), acc, names)
            if found["ids"] or found["names"]:
                leaks[path.relative_to(result.run_dir).as_posix()] = {
                    "ids": f"{len(found['ids'])}: {sorted(found['ids'])[:5]}",
                    "names": f"{len(found['names'])}: {sorted(found['names'])[:3]}"}
    assert not leaks, "other accounts named in account folders:\n" + "\n".join(f"{k}: {v}" for k, v in leaks.items())


def test_account_folder_shows_its_own_account(privacy_run):
    result, ids, names = privacy_run
    for acc in ids:
        folder = result.run_dir / "accounts" / runner.safe_name(acc)
        for path in sorted(folder.glob("*.html")):
            text = readable_text(path)
            assert acc in text, path.name
            assert names[acc] in text or names[acc][:PREFIX] in text, path.name


def test_account_extracts_hold_one_account_and_portfolio_extracts_stay_on_top(privacy_run):
    result, ids, _ = privacy_run
    top = result.run_dir
    portfolio = pd.read_csv(top / "customer_value.csv", encoding="utf-8-sig", index_col=0)
    assert len(portfolio) > 100 and set(ids) <= set(portfolio.index)
    assert (top / "quadrant_moves.csv").is_file()
    for acc in ids:
        folder = top / "accounts" / runner.safe_name(acc)
        value = pd.read_csv(folder / "customer_value.csv", encoding="utf-8-sig", index_col=0)
        assert list(value.index) == [acc]
        for column in ("db4", "clv", "clv_bgnbd"):
            assert value.at[acc, column] == pytest.approx(portfolio.at[acc, column])
        moves = pd.read_csv(folder / "quadrant_moves.csv", encoding="utf-8-sig")
        assert set(moves["account_id"]) <= {acc}
