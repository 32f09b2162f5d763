"""German ↔ English glossary of the KAM terms used in the workbook, with a one-line meaning in each language.

:data:`GLOSSARY` is the data; :func:`glossary` returns it as a table in the reader's language,
:func:`markdown` renders ``docs/glossary.md`` (``write_markdown`` writes it; a test keeps the file in step).

Examples
--------
>>> table = glossary("de")
>>> table.loc[table["Deutsch"] == "Schlüsselkunde", "Englisch"].item()
'key account'
>>> len(GLOSSARY) >= 30
True
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from kamlib import i18n


class Term(NamedTuple):
    german: str
    english: str
    meaning_en: str
    meaning_de: str


GLOSSARY: tuple[Term, ...] = (
    Term(
        "Schlüsselkunde",
        "key account",
        "A customer that matters far beyond its orders: by revenue, and by strategic value such as reference, growth "
        "or know-how.",
        "Ein Kunde, der weit über seine Aufträge hinaus zählt: durch Umsatz und durch strategischen Wert wie "
        "Referenz, Wachstum oder Know-how.",
    ),
    Term(
        "Key-Account-Management (KAM)",
        "key account management (KAM)",
        "The organised, long-term care of a few key accounts by dedicated managers and teams.",
        "Die organisierte, langfristige Betreuung weniger Schlüsselkunden durch eigens zuständige Manager und Teams.",
    ),
    Term(
        "Key Account Manager",
        "key account manager",
        "The person responsible for a handful of key accounts: plans, coordinates the own company, is measured by KPIs.",
        "Die Person, die für eine Handvoll Schlüsselkunden verantwortlich ist: plant, koordiniert das eigene Haus, "
        "wird an Kennzahlen gemessen.",
    ),
    Term(
        "Kundenwert",
        "customer value",
        "What a customer is worth to us: margin today and in future, plus its value as reference and multiplier.",
        "Was ein Kunde für uns wert ist: Deckungsbeitrag heute und künftig, dazu sein Wert als Referenz und "
        "Multiplikator.",
    ),
    Term(
        "Kundenlebenszeitwert (CLV)",
        "customer lifetime value (CLV)",
        "The discounted sum of the margins a customer is expected to bring while it stays, e.g. m·r/(1+d−r).",
        "Die abgezinste Summe der Deckungsbeiträge, die ein Kunde erwartungsgemäß bringt, solange er bleibt, z. B. "
        "m·r/(1+d−r).",
    ),
    Term(
        "Diskontsatz",
        "discount rate",
        "The yearly rate by which future money is worth less today; in the CLV it is d.",
        "Der jährliche Satz, um den künftiges Geld heute weniger wert ist; im CLV ist das d.",
    ),
    Term(
        "Deckungsbeitrag (DB I-IV)",
        "contribution margin (DB I-IV)",
        "Revenue minus the costs a customer causes, level by level: goods (DB I), marketing (II), sales (III), service "
        "and logistics (IV).",
        "Umsatz minus die Kosten, die ein Kunde verursacht, Stufe für Stufe: Ware (DB I), Marketing (II), Vertrieb "
        "(III), Service und Logistik (IV).",
    ),
    Term(
        "Kundendeckungsbeitragsrechnung",
        "customer contribution margin analysis",
        "The scheme that takes a customer from gross revenue down to DB IV.",
        "Das Schema, das einen Kunden vom Bruttoumsatz bis zum DB IV führt.",
    ),
    Term(
        "Nettoumsatz",
        "net revenue",
        "Gross revenue minus discounts and bonuses granted to the customer.",
        "Bruttoumsatz minus die dem Kunden gewährten Rabatte und Boni.",
    ),
    Term(
        "Herstellkosten",
        "cost of goods sold",
        "What the goods sold to the customer cost us; net revenue minus it is DB I.",
        "Was uns die an den Kunden verkaufte Ware kostet; Nettoumsatz minus Herstellkosten ist der DB I.",
    ),
    Term(
        "Betreuungskosten",
        "cost to serve",
        "Marketing, sales, service and logistics spent on one customer: everything between DB I and DB IV.",
        "Marketing, Vertrieb, Service und Logistik für einen Kunden: alles zwischen DB I und DB IV.",
    ),
    Term(
        "Walkurve",
        "whale curve",
        "Cumulative profit over the customers sorted from most to least profitable; its hump shows the profit lost "
        "to loss-making customers.",
        "Kumulierter Gewinn über die Kunden, vom profitabelsten zum am wenigsten profitablen sortiert; ihr Buckel zeigt "
        "den Gewinn, den verlustbringende Kunden aufzehren.",
    ),
    Term(
        "Optimum der Betreuungsintensität",
        "optimum of care intensity",
        "The point beyond which more care for a customer costs more than it returns.",
        "Der Punkt, ab dem mehr Betreuung eines Kunden mehr kostet, als sie einbringt.",
    ),
    Term(
        "Buying Center",
        "buying center",
        "All people at the customer who take part in a purchase: users, influencers, buyers, deciders, gatekeepers "
        "(and initiators, approvers).",
        "Alle Personen beim Kunden, die an einem Kauf beteiligt sind: Anwender, Beeinflusser, Einkäufer, Entscheider, "
        "Gatekeeper (und Initiatoren, Genehmiger).",
    ),
    Term(
        "Entscheider",
        "decider",
        "The buying-center role that says the final yes or no.",
        "Die Rolle im Buying Center, die das letzte Ja oder Nein spricht.",
    ),
    Term(
        "Ansprechpartner",
        "contact",
        "A named person at the customer with a role, an influence and an attitude towards us.",
        "Eine namentlich bekannte Person beim Kunden mit Rolle, Einfluss und Haltung uns gegenüber.",
    ),
    Term(
        "Jahresgespräch",
        "annual (executive) review",
        "The yearly meeting with a key account that looks back and ends in an action plan and a forecast.",
        "Das jährliche Treffen mit einem Schlüsselkunden, das zurückblickt und mit Maßnahmenplan und Prognose endet.",
    ),
    Term(
        "Quartalsgespräch (QBR)",
        "quarterly business review (QBR)",
        "The quarterly review of plan against actual, KPIs, wins, problems and next goals with the customer.",
        "Die vierteljährliche Besprechung von Plan und Ist, Kennzahlen, Erfolgen, Problemen und nächsten Zielen mit "
        "dem Kunden.",
    ),
    Term(
        "Wettbewerber",
        "competitor",
        "Another supplier of the same customer; its share shows where ours could grow.",
        "Ein anderer Lieferant desselben Kunden; sein Anteil zeigt, wo unserer wachsen könnte.",
    ),
    Term(
        "Potenzial",
        "potential",
        "What a customer could buy from us in a year (its wallet), whether it does so today or not.",
        "Was ein Kunde in einem Jahr bei uns kaufen könnte (sein Einkaufsvolumen), ob er es heute tut oder nicht.",
    ),
    Term(
        "Lieferanteil (Share of Wallet)",
        "share of wallet",
        "Our revenue with a customer divided by its total spend in our category.",
        "Unser Umsatz mit einem Kunden geteilt durch sein gesamtes Einkaufsvolumen in unserer Kategorie.",
    ),
    Term(
        "Whitespace (ungenutztes Potenzial)",
        "whitespace",
        "The potential we do not yet serve: per product line and business unit, potential minus our revenue.",
        "Das Potenzial, das wir noch nicht bedienen: je Produktlinie und Bereich Potenzial minus unser Umsatz.",
    ),
    Term(
        "Cross-Selling",
        "cross-selling",
        "Selling a customer a product line it does not yet buy from us.",
        "Einem Kunden eine Produktlinie verkaufen, die er bei uns noch nicht kauft.",
    ),
    Term(
        "Upselling",
        "upselling",
        "Selling more, or a higher version, where the customer already buys from us.",
        "Mehr oder eine höherwertige Ausführung verkaufen, wo der Kunde schon bei uns kauft.",
    ),
    Term(
        "Kundenbindungsrate",
        "retention rate",
        "Of the customers with revenue in a base period, the share that also has revenue in the period compared "
        "(logo retention).",
        "Von den Kunden mit Umsatz in einem Basiszeitraum der Anteil, der auch im verglichenen Zeitraum Umsatz hat "
        "(Logo Retention).",
    ),
    Term(
        "Abwanderungsrate",
        "churn rate",
        "The share of the customers with revenue in the base period that have none in the period compared; 1 minus "
        "the retention rate.",
        "Der Anteil der Kunden mit Umsatz im Basiszeitraum, die im verglichenen Zeitraum keinen mehr haben; 1 minus "
        "Kundenbindungsrate.",
    ),
    Term(
        "Brutto-Umsatzbindung (GRR)",
        "gross revenue retention (GRR)",
        "Start revenue minus shrinkage and lost revenue, divided by start revenue; never above 100 %.",
        "Startumsatz minus Rückgang und verlorener Umsatz, geteilt durch den Startumsatz; nie über 100 %.",
    ),
    Term(
        "Netto-Umsatzbindung (NRR)",
        "net revenue retention (NRR)",
        "Like GRR, but the growth of the kept customers is added; above 100 % the base grows by itself.",
        "Wie GRR, aber das Wachstum der gehaltenen Kunden wird addiert; über 100 % wächst der Bestand aus sich heraus.",
    ),
    Term(
        "Reklamation",
        "complaint",
        "A customer's report that a delivery, product or invoice was not right.",
        "Die Meldung eines Kunden, dass eine Lieferung, ein Produkt oder eine Rechnung nicht stimmte.",
    ),
    Term(
        "Beschwerdemanagement",
        "complaint management",
        "Handling complaints quickly and learning from them: a cheap check of one's own processes.",
        "Reklamationen rasch bearbeiten und aus ihnen lernen: eine günstige Prüfung der eigenen Prozesse.",
    ),
    Term(
        "Maßnahme",
        "action",
        "An agreed step towards a goal, with an owner, a due date and a status.",
        "Ein vereinbarter Schritt zu einem Ziel, mit Verantwortlichem, Termin und Status.",
    ),
    Term(
        "Kennzahl",
        "key figure (KPI)",
        "A number that shows whether a goal is being reached, e.g. retention, DB IV margin, meetings held.",
        "Eine Zahl, die zeigt, ob ein Ziel erreicht wird, z. B. Kundenbindung, DB-IV-Marge, geführte Gespräche.",
    ),
    Term(
        "Health Score (Kundengesundheit)",
        "health score",
        "A weighted 0-100 summary of an account's signals, with red, amber and green bands.",
        "Eine gewichtete Zusammenfassung der Signale eines Kunden auf 0-100, mit roter, gelber und grüner Ampel.",
    ),
    Term(
        "Kundenauswahl",
        "account selection",
        "Deciding which customers become key accounts: criteria, at least two met, ranking, capacity.",
        "Die Entscheidung, welche Kunden Schlüsselkunden werden: Kriterien, mindestens zwei erfüllt, Rangfolge, "
        "Kapazität.",
    ),
    Term(
        "vorläufige / definitive Auswahl",
        "provisional / definitive selection",
        "First a candidate list by the criteria, then the final list after a detailed review.",
        "Zuerst eine vorläufige Liste nach den Kriterien, dann die definitive Liste nach genauer Prüfung.",
    ),
    Term(
        "Portfolio-Matrix",
        "portfolio matrix",
        "Accounts placed by attractiveness to us and strength of the relationship: strategic, star, status, streamline.",
        "Kunden eingeordnet nach Attraktivität für uns und Stärke der Beziehung: strategisch, Star, Status, Streamline.",
    ),
    Term(
        "Beziehungsstufe",
        "relationship stage",
        "How deep the relationship is, from exploratory through basic, cooperative and interdependent to integrated.",
        "Wie tief die Beziehung ist, von sondierend über Basis, kooperativ und wechselseitig abhängig bis integriert.",
    ),
    Term(
        "Referenzwert",
        "reference value",
        "How much a customer's name convinces other customers; a source of value beyond revenue.",
        "Wie sehr der Name eines Kunden andere Kunden überzeugt; ein Wert über den Umsatz hinaus.",
    ),
    Term(
        "Multiplikator",
        "multiplier",
        "A customer whose choices others in its industry follow.",
        "Ein Kunde, dessen Entscheidungen andere in seiner Branche folgen.",
    ),
    Term(
        "ABC-Analyse",
        "ABC analysis",
        "Customers sorted by revenue and split into classes by cumulative share (e.g. A up to 80 %).",
        "Kunden nach Umsatz sortiert und nach kumuliertem Anteil in Klassen geteilt (z. B. A bis 80 %).",
    ),
    Term(
        "Pareto-Prinzip (80/20-Regel)",
        "Pareto principle (80/20 rule)",
        "The rule of thumb that a small share of customers brings most of the revenue.",
        "Die Faustregel, dass ein kleiner Teil der Kunden den größten Teil des Umsatzes bringt.",
    ),
    Term(
        "Gini-Koeffizient",
        "Gini coefficient",
        "A number between 0 (all customers equal) and almost 1 (one customer has everything) for concentration.",
        "Eine Zahl zwischen 0 (alle Kunden gleich) und fast 1 (ein Kunde hat alles) für die Konzentration.",
    ),
    Term(
        "Kundenprofil",
        "account profile",
        "One place with who the customer is, its history, buying center, potential, competitors and agreed actions.",
        "Ein Ort mit allem Wichtigen: wer der Kunde ist, Historie, Buying Center, Potenzial, Wettbewerber und "
        "vereinbarte Maßnahmen.",
    ),
    Term(
        "Mengeneffekt / Preiseffekt",
        "volume effect / price effect",
        "The parts of a revenue change due to more or fewer units and due to a different price.",
        "Die Anteile einer Umsatzänderung, die auf mehr oder weniger Stück und auf einen anderen Preis zurückgehen.",
    ),
    Term(
        "Plan-Ist-Vergleich",
        "plan vs. actual",
        "The target set for a period against what was really achieved, with the gap and its causes.",
        "Das für eine Periode gesetzte Ziel gegenüber dem tatsächlich Erreichten, mit Abweichung und ihren Ursachen.",
    ),
    Term(
        "Hunter und Farmer",
        "hunter and farmer",
        "Winning new business (hunter) and growing existing relationships (farmer); a good KAM does both.",
        "Neugeschäft gewinnen (Hunter) und bestehende Beziehungen ausbauen (Farmer); ein guter KAM kann beides.",
    ),
    Term(
        "gläserne Decke",
        "glass ceiling",
        "The level above pure selling, where supplier and customer improve the customer's processes together (win-win).",
        "Die Ebene über dem reinen Verkauf, auf der Lieferant und Kunde gemeinsam die Prozesse des Kunden verbessern "
        "(Win-win).",
    ),
    Term(
        "Chefsache",
        "top-management task",
        "KAM needs the backing and involvement of the management board, not only of sales.",
        "KAM braucht Rückhalt und Beteiligung der Geschäftsleitung, nicht nur des Vertriebs.",
    ),
    Term(
        "Kritiker (im Buying Center)",
        "opponent (in the buying center)",
        "A contact who argues against us; to be won over by taking the objection seriously, never bypassed.",
        "Ein Ansprechpartner, der gegen uns argumentiert; man gewinnt ihn, indem man seinen Einwand ernst nimmt, "
        "nicht, indem man ihn umgeht.",
    ),
    Term(
        "Fürsprecher",
        "champion",
        "A contact at the customer who argues for us inside the buying center.",
        "Ein Ansprechpartner beim Kunden, der sich im Buying Center für uns einsetzt.",
    ),
    Term(
        "Nur ein Draht zum Kunden",
        "single-threaded account",
        "An account whose relationship hangs on one contact; if that person leaves, the account is at risk.",
        "Ein Kunde, bei dem die Beziehung an einem einzigen Ansprechpartner hängt; geht diese Person, ist der Kunde "
        "gefährdet.",
    ),
    Term(
        "Account-Plan",
        "account plan",
        "The written plan for one key account: the customer's goals, our objectives and strategy, the team, agreed goals.",
        "Der schriftliche Plan für einen Key Account: Ziele des Kunden, unsere Ziele und Strategie, das Team, "
        "vereinbarte Ziele.",
    ),
    Term(
        "Account-Steckbrief",
        "account brief",
        "One page on one key account for internal use: key figures, risks, open actions, the next meeting.",
        "Eine Seite zu einem Key Account für den internen Gebrauch: Kennzahlen, Risiken, offene Maßnahmen, nächster "
        "Termin.",
    ),
    Term(
        "Gewinnvernichter",
        "profit destroyer",
        "An account whose contribution after cost to serve (DB IV) is negative: it costs more than it earns.",
        "Ein Kunde mit negativem Deckungsbeitrag nach Betreuungskosten (DB IV): Er kostet mehr, als er einbringt.",
    ),
    Term(
        "Betreuungslücke",
        "coverage gap",
        "Something a key account should have and lacks: no KAM, no target, no plan, no review in the cadence.",
        "Etwas, das ein Key Account haben sollte und nicht hat: kein KAM, kein Ziel, kein Plan, kein Gespräch im "
        "Rhythmus.",
    ),
    Term(
        "Ampel",
        "band (red, amber, green)",
        "The health score's traffic light: red up to 50, amber up to 75, green above.",
        "Die Ampel des Health Scores: rot bis 50, gelb bis 75, grün darüber.",
    ),
    Term(
        "Umsatzbrücke",
        "revenue bridge",
        "A revenue change split into volume, mix and price effects, from last year's revenue to this year's.",
        "Eine Umsatzänderung, zerlegt in Mengen-, Mix- und Preiseffekt, vom Vorjahresumsatz zum Umsatz dieses Jahres.",
    ),
    Term(
        "seit Jahresbeginn (lfd. Jahr)",
        "year to date (YTD)",
        "From the first day of the current year up to the data date.",
        "Vom ersten Tag des laufenden Jahres bis zum Datenstand.",
    ),
    Term(
        "Fallstudie",
        "case study",
        "The course's company, Rheinwerk Antriebstechnik GmbH, and the key-account stories its data tells.",
        "Das Unternehmen des Seminars, die Rheinwerk Antriebstechnik GmbH, und die Key-Account-Geschichten in seinen Daten.",
    ),
    Term(
        "Fallbuch",
        "case booklet",
        "The printed case of the course: the company, its six KAMs, the key-account stories and the tasks per module.",
        "Die gedruckte Fallstudie des Seminars: das Unternehmen, seine sechs KAMs, die Key-Account-Geschichten und die "
        "Aufgaben je Modul.",
    ),
    Term(
        "Rollenspiel",
        "role play",
        "A practice meeting (QBR or Jahresgespräch) with a customer side and a KAM side, each with its own brief.",
        "Ein geübtes Kundengespräch (Quartals- oder Jahresgespräch) mit Kunden- und KAM-Seite, jede mit eigenem Briefing.",
    ),
    Term(
        "Bewertungsraster",
        "rubric",
        "The points a trainer judges in an open answer (criteria defended, plan complete, reason given).",
        "Die Punkte, nach denen die Trainerin oder der Trainer eine offene Antwort beurteilt (Kriterien begründet, "
        "Plan vollständig, Begründung gegeben).",
    ),
)


def _sort_key(text: str) -> str:
    text = text.casefold()
    for a, b in (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss")):
        text = text.replace(a, b)
    return text


def glossary(lang: str = "en") -> pd.DataFrame:
    """The glossary as a table in ``lang``: the term in that language first, then its translation and meaning,
    sorted alphabetically by the first column."""
    lang = i18n.check_lang(lang)
    if lang == "de":
        rows = [{"Deutsch": t.german, "Englisch": t.english, "Bedeutung": t.meaning_de} for t in GLOSSARY]
        key = "Deutsch"
    else:
        rows = [{"English": t.english, "German": t.german, "Meaning": t.meaning_en} for t in GLOSSARY]
        key = "English"
    table = pd.DataFrame(rows)
    return table.iloc[sorted(range(len(table)), key=lambda i: _sort_key(table[key].iloc[i]))].reset_index(drop=True)


def markdown() -> str:
    """``docs/glossary.md``: one table German | English | meaning | Bedeutung, sorted by the German term."""
    lines = [
        "# Glossary · Glossar",
        "",
        "German and English KAM terms as the workbook uses them, each with a one-line meaning. Generated from",
        "`kamlib/glossary.py` by `kamlib.teaching.glossary.write_markdown()`; edit the data there, not this file",
        "(`tests/test_glossary.py` fails when the two differ). In a notebook: `glossary.glossary(lang)`.",
        "",
        "| Deutsch | English | Meaning | Bedeutung |",
        "|---|---|---|---|",
    ]
    for t in sorted(GLOSSARY, key=lambda t: _sort_key(t.german)):
        cells = [t.german, t.english, t.meaning_en, t.meaning_de]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


#: ``docs/glossary.md`` of the repository (kamlib/teaching/glossary.py -> the repository root is three up).
DOCS_FILE = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"


def write_markdown(path: str | Path | None = None) -> Path:
    """Write :func:`markdown` to ``path`` (default: ``docs/glossary.md`` of the repository)."""
    path = Path(path) if path is not None else DOCS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown(), encoding="utf-8")
    return path


class _Markdown(str):
    """A string that Jupyter renders as Markdown (plain text elsewhere)."""

    def _repr_markdown_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return str(self)


def show(lang: str = "en") -> str:
    """The glossary as a Markdown table in ``lang`` (rendered in notebooks, full text, no truncated columns).
    The column of the other language marks its terms with their language (``<span lang="en">``), as readers
    of assistive technology and spelling tools need.

    Examples
    --------
    >>> print(str(show("de")).splitlines()[2])
    | ABC-Analyse | <span lang="en">ABC analysis</span> | Kunden nach Umsatz sortiert und nach kumuliertem Anteil in Klassen geteilt (z. B. A bis 80 %). |
    """
    table = glossary(lang)
    other, code = ("Englisch", "en") if lang == "de" else ("German", "de")
    table[other] = [f'<span lang="{code}">{html.escape(str(v))}</span>' for v in table[other]]
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += [
        "| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in table.itertuples(index=False)
    ]
    return _Markdown("\n".join(lines))
