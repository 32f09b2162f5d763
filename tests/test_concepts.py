"""docs/concepts.md maps every concept of the methodology to the notebook section that teaches it.

The test fails when a listed heading no longer exists in its notebook (exact markdown heading), when a named
kamlib object or exercise is gone, or when a concept of the fixed list below has no row.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import nbformat
import pytest

from kamlib.teaching import exercises

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "concepts.md"

#: Every concept and formula of the methodology inventory (../shared/methodology/README.md).
CONCEPTS = [
    # source 000
    "Key account: a large or strategic customer",
    "Value beyond revenue: reference and multiplier effect",
    "Key figures (Kennzahlen) and continuous control",
    "Optimum of care intensity: limits of profitable care",
    "Complaint management as the cheapest process check",
    "CRM programmes: newsletters, discounts, events",
    "Contact management",
    "The KAM weighs competition and customer potential",
    # source 001
    "Pareto 80/20",
    "Existing vs emerging key accounts",
    "KAM vs sales vs account planning",
    "Benefits of KAM: retention, CLV, recurring revenue, growth, lower cost",
    "Six selection criteria",
    "Not too many key accounts: easier to add than to demote",
    "A KAM serves only a handful of accounts",
    "Profile: size, industry, location and time zone",
    "Business plan and target group (ICP)",
    "Relationship history",
    "Key competitors and our USP",
    "Plan to exceed needs (pain points), team and clear goals",
    "Whitespace: cross- and upselling, other buying centers",
    "Reviews: revenue growth vs previous quarters and vs plan",
    "Pitfalls: smaller accounts neglected, too rigid, unprepared",
    # source 002
    "KAM since the 1970s, global KAM, complex customer structure",
    "Hunter and farmer",
    "Glass ceiling: optimising the customer's processes (win-win)",
    "Customers keep 2-3 top suppliers per project",
    # source 003
    "Role and duties of the key account manager",
    "KPIs: retention, churn, additional services, meetings and calls, profitability",
    "Junior vs senior KAM",
    "A KAM focuses on 2-3 clients, a sales manager on 10-25",
    "Skills of a key account manager",
    "SWOT of one's own career",
    # source 004
    "KAM introduced as a project of about two years, including training",
    "Analysis and strategy first",
    "Three or four criteria, a key account meets at least two",
    "Provisional, then definitive selection",
    "In SMEs the CEO handles the top 5-10",
    "Implementation and controlling, reviews with the controller",
    "Ten basic rules of introducing KAM",
    # formulas and structures
    "ABC classes by cumulative revenue share",
    "Gini coefficient and normalised Gini",
    "Lorenz curve",
    "Weighted score S = Σ wᵢ·xᵢ",
    "Rater agreement (Kendall's W)",
    "Portfolio matrix: strategic, star, status, streamline",
    "Relationship stages",
    "Buying center roles",
    "Whitespace matrix and penetration",
    "Share of wallet",
    "Customer contribution margin DB I-IV and cost to serve",
    "Whale curve and profit destroyers",
    "Contractual CLV m·r/(1+d−r)",
    "CLV over a finite horizon",
    "CLV with the margin at period start",
    "CLV with margin growth",
    "sBG retention",
    "BG/NBD and Gamma-Gamma",
    "Logo retention and churn rate",
    "GRR and NRR",
    "Cross-sell count",
    "Health score and bands",
    "Review cadence: monthly check-in, QBR, annual review (Jahresgespräch)",
    "QBR summary: KPIs, wins, challenges, goals with owners",
]

COLUMNS = ["concept", "source", "notebook", "section", "kamlib", "exercises"]


def parse_table(text: str) -> list[dict[str, str]]:
    """The rows of the first markdown table whose header is COLUMNS."""
    rows, in_table = [], False
    for line in text.splitlines():
        if not line.startswith("|"):
            if in_table:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if cells == COLUMNS:
            in_table = True
            continue
        if in_table and not set(line) <= set("|-: "):
            assert len(cells) == len(COLUMNS), f"row with {len(cells)} cells: {line}"
            rows.append(dict(zip(COLUMNS, cells)))
    return rows


def headings(notebook: Path) -> set[str]:
    """Every markdown heading line of a notebook, exactly as written."""
    nb = nbformat.read(notebook, as_version=4)
    return {line.rstrip() for c in nb.cells if c.cell_type == "markdown"
            for line in c.source.splitlines() if re.match(r"#{1,6} ", line)}


def missing_headings(rows: list[dict[str, str]], notebooks_dir: Path) -> list[str]:
    problems, cache = [], {}
    for row in rows:
        path = notebooks_dir / f"{row['notebook']}.ipynb"
        if not path.exists():
            problems.append(f"{row['concept']}: notebook {row['notebook']} does not exist")
            continue
        cache.setdefault(path, headings(path))
        section = row["section"].strip("`")
        if section not in cache[path]:
            problems.append(f"{row['concept']}: {row['notebook']} has no heading {section!r}")
    return problems


@pytest.fixture(scope="module")
def rows():
    return parse_table(DOC.read_text(encoding="utf-8"))


def test_every_concept_of_the_inventory_has_a_row(rows):
    listed = [r["concept"] for r in rows]
    missing = [c for c in CONCEPTS if c not in listed]
    assert not missing, f"concepts without a row in docs/concepts.md: {missing}"
    assert len(listed) == len(set(listed)), "a concept is listed twice"


def test_every_source_is_cited(rows):
    cited = " ".join(r["source"] for r in rows)
    for source in ("000", "001", "002", "003", "004"):
        assert source in cited


def test_every_listed_heading_exists_in_its_notebook(rows):
    assert not missing_headings(rows, ROOT / "notebooks")


def test_the_heading_check_catches_a_renamed_heading(rows, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## 4 · How concentrated is revenue? (new)")])
    nbformat.write(nb, tmp_path / "00_start_here.ipynb")
    row = {"concept": "Pareto 80/20", "notebook": "00_start_here", "section": "`## 4 · How concentrated is revenue?`"}
    assert missing_headings([row], tmp_path) == [
        "Pareto 80/20: 00_start_here has no heading '## 4 · How concentrated is revenue?'"]
    assert missing_headings([{**row, "notebook": "99_nothing"}], tmp_path)


def test_named_kamlib_objects_exist(rows):
    for row in rows:
        if row["kamlib"] == "–":
            continue
        for name in row["kamlib"].split(", "):
            module, _, attr = name.rpartition(".")
            assert hasattr(importlib.import_module(f"kamlib.{module}"), attr), f"{row['concept']}: kamlib.{name}"


def test_named_exercises_exist_and_every_exercise_is_mapped(rows):
    named = set()
    for row in rows:
        if row["exercises"] != "–":
            for ex_id in row["exercises"].split(", "):
                exercises.get(ex_id)  # KeyError when the exercise is gone
                named.add(ex_id)
    assert not set(exercises.ids()) - named, f"exercises not linked to a concept: {set(exercises.ids()) - named}"
