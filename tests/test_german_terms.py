"""German throughout (issue 17): the terms a Mittelstand key account manager stumbles over are gone.

Every German text a reader meets is read here: every ``de`` value of every catalogue file
(``kamlib/i18n/catalogue/*.toml``), every ``lang-de`` Markdown cell of the six notebooks and the German side
of the glossary. None may contain a word-for-word term from the list of issue 17; the relationship stages of
the KAM development model have one German word each, used the same way everywhere.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nbformat
import pytest

from kamlib.data.schemas import RELATIONSHIP_STAGES
from kamlib.teaching import glossary

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = sorted((ROOT / "kamlib" / "i18n" / "catalogue").glob("*.toml"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))

#: term a German reader stumbles over -> (pattern, what natural business German says instead)
STUMBLING = {
    "Straffen": (r"\bstraffen\b", "Streamline (the portfolio quadrant keeps its name)"),
    "Jahr bis heute": (r"jahr bis heute", "seit Jahresbeginn / lfd. Jahr"),
    "Einseitige Zusammenfassung": (r"einseitige[nrs]? zusammenfassung", "Kurzprofil (eine Seite)"),
    "Gegner": (r"\bgegner", "Kritiker / Bremser im Buying Center"),
    "Plan gegen Ist": (r"plan gegen ist", "Plan-Ist-Vergleich"),
    "Wareneinsatz": (r"wareneinsatz", "Herstellkosten / Materialeinsatz"),
    "English band name": (r"\b(red|amber|green)\b", "rot / gelb / grün"),
    "QBR called Jahresgespräch": (r"jahresgespräch\s*\(qbr\)|qbr\s*\(jahresgespräch\)|qbr\s*[=:–-]\s*jahresgespräch",
                                  "Quartalsgespräch (QBR); das Jahresgespräch ist das jährliche Treffen"),
}


def _catalogue_texts() -> list[tuple[str, str, str]]:
    """(where, English, German) for every entry of every catalogue file, read from the files themselves."""
    texts = []
    for path in CATALOGUE:
        for section, rows in tomllib.loads(path.read_text(encoding="utf-8")).items():
            for key, value in rows.items():
                texts.append((f"{path.name}:{section}.{key}", value["en"], value["de"]))
    return texts


def _german_cells() -> list[tuple[str, str]]:
    return [(f"{path.name} cell {i}", cell.source)
            for path in NOTEBOOKS
            for i, cell in enumerate(nbformat.read(path, as_version=4).cells)
            if "lang-de" in cell.get("metadata", {}).get("tags", [])]


def german_texts() -> list[tuple[str, str]]:
    """(where, German text) for everything German a reader of the workbook sees at the source."""
    texts = [(where, de) for where, _en, de in _catalogue_texts()]
    texts += _german_cells()
    texts += [(f"glossary {t.german}", f"{t.german}: {t.meaning_de}") for t in glossary.GLOSSARY]
    return texts


def stumbling_terms(texts: list[tuple[str, str]]) -> list[str]:
    """Every place where a German text uses a term of :data:`STUMBLING`, with the term found."""
    hits = []
    for where, text in texts:
        for name, (pattern, instead) in STUMBLING.items():
            for match in re.finditer(pattern, text, flags=re.IGNORECASE):
                hits.append(f"{where}: {name} ({match.group(0)!r}; say {instead})")
    return hits


def test_the_checker_finds_each_stumbling_term():
    # one made-up German sentence per term: each must be found, and the natural wording must pass
    bad = [("a", "Umsatz Jahr bis heute"), ("b", "Einseitige Zusammenfassung für das Gespräch"),
           ("c", "Der Gegner im Buying Center"), ("d", "Plan gegen Ist"), ("e", "Wareneinsatz je Kunde"),
           ("f", "Ampel: red bis 50"), ("g", "Jahresgespräch (QBR) vorbereiten"), ("h", "Straffen")]
    assert len(stumbling_terms(bad)) == len(bad)
    good = [("a", "Umsatz seit Jahresbeginn"), ("b", "Kurzprofil (eine Seite)"), ("c", "Kritiker im Buying Center"),
            ("d", "Plan-Ist-Vergleich"), ("e", "Herstellkosten je Kunde"), ("f", "Ampel: rot bis 50"),
            ("g", "Quartalsgespräch (QBR) vorbereiten; das Jahresgespräch einmal im Jahr"), ("h", "Streamline"),
            ("i", "Wettbewerber gewinnen Anteile"), ("j", "Reduktion der Herstellkosten")]
    assert stumbling_terms(good) == []


def test_no_german_text_uses_a_stumbling_term():
    assert stumbling_terms(german_texts()) == []


def test_a_qbr_entry_is_never_called_jahresgespraech():
    # a catalogue entry about the quarterly review must say Quartalsgespräch (or QBR) in German
    wrong = [where for where, en, de in _catalogue_texts()
             if re.search(r"\bQBR\b|quarterly (business )?review", en, flags=re.IGNORECASE)
             and "Jahresgespräch" in de and not re.search(r"Quartal|QBR", de)]
    assert wrong == []


# --------------------------------------------------------------------------- relationship stages

#: words a German text might use for a stage; the catalogue's own word (common.toml [values]) is the one kept.
STAGE_ALTERNATIVES = {
    "exploratory": ("explorativ", "sondierend", "Sondierung", "Anbahnung", "Erkundung"),
    "basic": ("Basis", "einfach", "grundlegend", "Grundstufe"),
    "cooperative": ("kooperativ", "Kooperation", "partnerschaftlich"),
    "interdependent": ("wechselseitig abhängig", "gegenseitig abhängig", "interdependent"),
    "integrated": ("integriert", "Integration"),
}


def _stage_words() -> dict[str, str]:
    values = tomllib.loads((ROOT / "kamlib/i18n/catalogue/common.toml").read_text(encoding="utf-8"))["values"]
    return {stage: values[stage]["de"] for stage in RELATIONSHIP_STAGES}


def _stage_texts() -> list[tuple[str, str]]:
    """The German texts that name the stages: the glossary entry, the selection rule, the catalogue's stage
    values and 01's section on relationship stages."""
    texts = [(f"glossary {t.german}", t.meaning_de) for t in glossary.GLOSSARY if t.english == "relationship stage"]
    texts += [(where, de) for where, en, de in _catalogue_texts()
              if en.lower() in RELATIONSHIP_STAGES or "relationship stage:" in en.lower()]
    texts += [(where, text) for where, text in _german_cells() if "Beziehungsstufe" in text and "**" in text
              and any(s in text.lower() for s in ("kooperativ", "integriert"))]
    return texts


def test_each_relationship_stage_has_one_german_word():
    words = _stage_words()
    assert set(words) == set(STAGE_ALTERNATIVES)
    for stage, word in words.items():
        assert word in STAGE_ALTERNATIVES[stage], (stage, word)
    texts = _stage_texts()
    assert len(texts) >= 4, texts  # glossary, selection rule, common and profile values, notebook 01
    for where, text in texts:
        for stage, word in words.items():
            others = [w for w in STAGE_ALTERNATIVES[stage] if w != word and w.lower() in text.lower()
                      and word.lower() not in w.lower()]
            assert others == [], f"{where}: {stage} is {word!r}, not {others}"
    for where, text in texts:
        if where.startswith(("glossary", "selection.toml")) or " cell " in where:
            assert all(word.lower() in text.lower() for word in words.values()), (where, text)


@pytest.mark.parametrize("stage", RELATIONSHIP_STAGES)
def test_profile_and_common_name_a_stage_alike(stage):
    profile = tomllib.loads((ROOT / "kamlib/i18n/catalogue/profile.toml").read_text(encoding="utf-8"))
    assert profile["value_labels"][stage]["de"] == _stage_words()[stage]
