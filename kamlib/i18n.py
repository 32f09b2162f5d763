"""German and English labels for tables, charts and generated sentences.

Notebook narrative is written once (English, with the German KAM terms where they matter); what
kamlib generates (chart labels, table headers, summary sentences) follows the ``lang`` parameter.

Examples
--------
>>> t("revenue_eur", "de")
'Umsatz (EUR)'
>>> t("revenue_eur", "en")
'Revenue (EUR)'
"""

from __future__ import annotations

LANGS = ("en", "de")

_LABELS: dict[str, tuple[str, str]] = {
    # key: (English, German)
    "revenue_eur": ("Revenue (EUR)", "Umsatz (EUR)"),
    "cum_share": ("Cumulative share of revenue", "Kumulierter Umsatzanteil"),
    "accounts_share": ("Share of accounts (smallest first)", "Anteil der Kunden (kleinste zuerst)"),
    "accounts_ranked": ("Accounts ranked by revenue", "Kunden nach Umsatz sortiert"),
    "pareto_title": ("Revenue concentration (Pareto)", "Umsatzkonzentration (Pareto)"),
    "lorenz_title": ("Lorenz curve of revenue", "Lorenzkurve des Umsatzes"),
    "equality": ("Perfect equality", "Gleichverteilung"),
    "table": ("Table", "Tabelle"),
    "meaning": ("What it holds", "Inhalt"),
    "rows": ("Rows", "Zeilen"),
    "required": ("Required", "Pflicht"),
    "present": ("In the source", "Vorhanden"),
    "yes": ("yes", "ja"),
    "no": ("no", "nein"),
    "year": ("Year", "Jahr"),
    "accounts": ("Accounts", "Kunden"),
    "top20_share": ("Top-20 % share", "Anteil Top 20 %"),
    "gini": ("Gini", "Gini"),
    "gini_normalised": ("Gini (normalised)", "Gini (normiert)"),
    "total_eur": ("Revenue (EUR)", "Umsatz (EUR)"),
    "concentration_sentence": (
        "The top 20 % of accounts ({k} of {n}) bring {share} of gross revenue {period}; Gini {gini}.",
        "Die besten 20 % der Kunden ({k} von {n}) bringen {share} des Bruttoumsatzes {period}; Gini {gini}.",
    ),
    "weighted_score": ("Weighted score (0-10)", "Gewichteter Score (0-10)"),
    "score_breakdown_title": ("Score per criterion (● definitive, ○ provisional only)",
                              "Score je Kriterium (● definitiv, ○ nur provisorisch)"),
    "strength_axis": ("Relationship strength (0-10)", "Stärke der Beziehung (0-10)"),
    "attractiveness_axis": ("Attractiveness to us (0-10)", "Attraktivität für uns (0-10)"),
    "portfolio_title": ("Key-account portfolio (bubble = revenue, last 12 months)",
                        "Key-Account-Portfolio (Blase = Umsatz, letzte 12 Monate)"),
    "sensitivity_title": ("Probability under perturbed weights (* borderline)",
                          "Wahrscheinlichkeit bei gestörten Gewichten (* Grenzfall)"),
    "p_selected": ("selected", "ausgewählt"),
    "p_strategic": ("strategic", "strategisch"),
    "p_star": ("star", "Star"),
    "p_status": ("status", "Status"),
    "p_streamline": ("streamline", "Straffen"),
}

CRITERION_LABELS: dict[str, tuple[str, str]] = {
    "revenue_share": ("Revenue share", "Umsatzanteil"),
    "lifetime_value": ("Lifetime value", "Kundenlebenszeitwert"),
    "tailored_service": ("Demand for tailored service", "Bedarf an individueller Betreuung"),
    "growth_potential": ("Growth potential", "Wachstumspotenzial"),
    "credibility": ("Credibility / reference", "Glaubwürdigkeit / Referenz"),
    "relationship": ("Strength of relationship", "Stärke der Beziehung"),
}
QUADRANT_LABELS: dict[str, tuple[str, str]] = {
    "strategic": ("Strategic", "Strategisch"),
    "star": ("Star", "Star"),
    "status": ("Status", "Status"),
    "streamline": ("Streamline", "Straffen"),
}

#: What each table of the data model holds, for the data tour.
TABLE_MEANING: dict[str, tuple[str, str]] = {
    "accounts": ("Customers: who they are, size, industry, location, KAM, relationship stage",
                 "Kunden: Stammdaten, Größe, Branche, Standort, KAM, Beziehungsstufe"),
    "kams": ("Key account managers: level and how many key accounts each can serve",
             "Key Account Manager: Stufe und Kapazität (Anzahl Schlüsselkunden)"),
    "products": ("What we sell, grouped into product lines", "Produkte und Produktlinien"),
    "orders": ("Order lines: date, product, buying unit, quantity, revenue, discount, cost of goods",
               "Auftragspositionen: Datum, Produkt, Einkaufsbereich, Menge, Umsatz, Rabatt, Wareneinsatz"),
    "service_costs": ("Cost to serve per account and period: marketing, sales, service, logistics",
                      "Betreuungskosten je Kunde und Periode: Marketing, Vertrieb, Service, Logistik"),
    "interactions": ("Meetings, calls, visits, e-mails and business reviews with the customer",
                     "Termine, Anrufe, Besuche, E-Mails und Jahresgespräche mit dem Kunden"),
    "complaints": ("Complaints: opened, closed, severity, category",
                   "Reklamationen: eröffnet, erledigt, Schwere, Kategorie"),
    "contacts": ("People at the customer and their role in the buying center",
                 "Ansprechpartner beim Kunden und ihre Rolle im Buying Center"),
    "wallet": ("The customer's yearly spend per product line and business unit (potential)",
               "Jährliches Einkaufsvolumen des Kunden je Produktlinie und Bereich (Potenzial)"),
    "competitors": ("Competitors' share per product line at the customer",
                    "Anteile der Wettbewerber je Produktlinie beim Kunden"),
    "targets": ("Revenue and margin targets per account and period",
                "Umsatz- und Deckungsbeitragsziele je Kunde und Periode"),
    "actions": ("Goals and actions with owner, due date and status",
                "Ziele und Maßnahmen mit Verantwortlichem, Termin und Status"),
    "ratings": ("Workshop scores (0-10) per rater, account and selection criterion",
                "Workshop-Bewertungen (0-10) je Bewerter, Kunde und Kriterium"),
}


def number(value: float, lang: str = "en", decimals: int = 2) -> str:
    """Format a number the way readers of ``lang`` expect: 1,234.50 (en) or 1.234,50 (de).

    Examples
    --------
    >>> number(1234.5, "de"), number(1234.5, "en")
    ('1.234,50', '1,234.50')
    """
    text = f"{value:,.{decimals}f}"
    if check_lang(lang) == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def percent(value: float, lang: str = "en", decimals: int = 1) -> str:
    """80.0% in English, 80,0 % in German (with the non-breaking space German style guides ask for).

    Examples
    --------
    >>> percent(0.8, "en"), percent(0.8, "de")
    ('80.0%', '80,0\u00a0%')
    """
    text = number(value * 100, lang, decimals)
    return f"{text}\u00a0%" if lang == "de" else f"{text}%"


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise a ValueError naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def pick(pair: tuple[str, str], lang: str = "en") -> str:
    """The German or English half of an (English, German) pair; every module's label table uses this."""
    return pair[1] if check_lang(lang) == "de" else pair[0]


def t(key: str, lang: str = "en") -> str:
    """The label ``key`` in ``lang`` ('en' or 'de')."""
    return pick(_LABELS[key], lang)


def criterion_label(criterion: str, lang: str = "en") -> str:
    return pick(CRITERION_LABELS[criterion], lang)


def quadrant_label(quadrant: str, lang: str = "en") -> str:
    return pick(QUADRANT_LABELS[quadrant], lang)


def table_meaning(table: str, lang: str = "en") -> str:
    return pick(TABLE_MEANING[table], lang)
