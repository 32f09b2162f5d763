"""The German-English glossary: enough terms, both languages, and docs/glossary.md in step with the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamlib.teaching import glossary as G

ROOT = Path(__file__).resolve().parents[1]

REQUIRED = {  # German term (as it starts) -> English term (as it starts)
    "Schlüsselkunde": "key account",
    "Kundenwert": "customer value",
    "Deckungsbeitrag": "contribution margin",
    "Buying Center": "buying center",
    "Jahresgespräch": "annual",
    "Kundenlebenszeitwert": "customer lifetime value",
    "Betreuungskosten": "cost to serve",
    "Wettbewerber": "competitor",
    "Potenzial": "potential",
    "Kundenbindungsrate": "retention",
    "Abwanderungsrate": "churn",
    "Reklamation": "complaint",
    "Maßnahme": "action",
    "Kennzahl": "key figure",
    # the terms of the course material (issue 17): the two meetings, the buying center's critic, the comparison
    "Quartalsgespräch (QBR)": "quarterly business review",
    "Kritiker": "opponent",
    "Fürsprecher": "champion",
    "Plan-Ist-Vergleich": "plan vs. actual",
    "Gewinnvernichter": "profit destroyer",
    "Account-Plan": "account plan",
    "Ampel": "band",
    "seit Jahresbeginn": "year to date",
    "Rollenspiel": "role play",
    "Fallstudie": "case study",
    "Fallbuch": "case booklet",
}


def test_at_least_thirty_terms_each_with_both_languages():
    # 48 terms before issue 17, 14 added for the course material (Kritiker, Fürsprecher, Nur ein Draht zum Kunden,
    # Account-Plan, Account-Steckbrief, Gewinnvernichter, Betreuungslücke, Ampel, Umsatzbrücke, seit Jahresbeginn,
    # Fallstudie, Fallbuch, Rollenspiel, Bewertungsraster): 48 + 14 = 62 ('Plan / Ist' became 'Plan-Ist-Vergleich')
    assert len(G.GLOSSARY) >= 62
    for term in G.GLOSSARY:
        assert all(part.strip() for part in term), term
        assert term.meaning_en != term.meaning_de, term.german
        assert len(term.meaning_en) <= 160 and len(term.meaning_de) <= 180, f"{term.german}: one line, please"
    assert len({t.german for t in G.GLOSSARY}) == len(G.GLOSSARY)
    assert len({t.english for t in G.GLOSSARY}) == len(G.GLOSSARY)


def test_the_core_kam_terms_are_there():
    for german, english in REQUIRED.items():
        hits = [t for t in G.GLOSSARY if t.german.startswith(german)]
        assert hits, f"{german} missing"
        assert hits[0].english.startswith(english), (german, hits[0].english)


@pytest.mark.parametrize("lang, first, second", [("en", "English", "German"), ("de", "Deutsch", "Englisch")])
def test_table_in_the_readers_language(lang, first, second):
    table = G.glossary(lang)
    assert list(table.columns)[:2] == [first, second]
    assert len(table) == len(G.GLOSSARY)
    keys = [G._sort_key(v) for v in table[first]]
    assert keys == sorted(keys)


def test_docs_glossary_is_up_to_date():
    path = ROOT / "docs" / "glossary.md"
    assert path.exists(), "run: python -c 'from kamlib.teaching import glossary; glossary.write_markdown()'"
    assert path.read_text(encoding="utf-8") == G.markdown(), \
        "docs/glossary.md is stale: run python -c 'from kamlib.teaching import glossary; glossary.write_markdown()'"


def test_markdown_has_one_row_per_term(tmp_path):
    out = G.write_markdown(tmp_path / "g.md")
    rows = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == len(G.GLOSSARY) + 1  # header
    assert all(line.count(" | ") == 3 for line in rows)


def test_show_renders_the_table_in_the_notebook_language():
    text = G.show("de")
    assert text._repr_markdown_().startswith("| Deutsch | Englisch | Bedeutung |")
    assert repr(text) == str(text)  # plain-text outputs show the table, not an escaped string
    assert "| Schlüsselkunde | <span lang=\"en\">key account</span> |" in text  # the other language marked as such
    assert "| key account | <span lang=\"de\">Schlüsselkunde</span> |" in G.show("en")
    assert G.show("en").startswith("| English | German | Meaning |")
