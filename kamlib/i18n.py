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
        "The top 20 % of accounts ({k} of {n}) bring {share:.1%} of gross revenue {period}; Gini {gini:.2f}.",
        "Die besten 20 % der Kunden ({k} von {n}) bringen {share:.1%} des Bruttoumsatzes {period}; Gini {gini:.2f}.",
    ),
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


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise a ValueError naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def t(key: str, lang: str = "en") -> str:
    """The label ``key`` in ``lang`` ('en' or 'de')."""
    en, de = _LABELS[key]
    return de if check_lang(lang) == "de" else en


def table_meaning(table: str, lang: str = "en") -> str:
    en, de = TABLE_MEANING[table]
    return de if check_lang(lang) == "de" else en
