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

import functools
import re

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
    "key_account_decisions": ("Decision register: the key-account list as management pinned it, with reasons",
                              "Entscheidungsregister: die beschlossene Key-Account-Liste mit Begründungen"),
}



#: Column and index names of the tables the notebooks show (code -> English, German). Module tables
#: (``profile.LABELS``, ``review.LABELS`` ...) come after this one in :func:`code_label`.
COLUMNS: dict[str, tuple[str, str]] = {
    "account_id": ("Account ID", "Kunden-ID"),
    "name": ("Name", "Name"),
    "kam_id": ("KAM", "KAM"),
    "industry": ("Industry", "Branche"),
    "country": ("Country", "Land"),
    "city": ("City", "Ort"),
    "timezone": ("Time zone", "Zeitzone"),
    "employees": ("Employees", "Mitarbeitende"),
    "customer_revenue_eur": ("Customer's own revenue (EUR)", "Eigener Umsatz des Kunden (EUR)"),
    "since": ("Customer since", "Kunde seit"),
    "reference_value": ("Reference value (1-5)", "Referenzwert (1-5)"),
    "relationship_stage": ("Relationship stage", "Beziehungsstufe"),
    "status": ("Status", "Status"),
    "table": ("Table", "Tabelle"),
    "order_id": ("Order", "Auftrag"),
    "date": ("Date", "Datum"),
    "product_id": ("Product", "Produkt"),
    "business_unit": ("Business unit", "Bereich"),
    "quantity": ("Quantity", "Menge"),
    "gross_revenue_eur": ("Gross revenue (EUR)", "Bruttoumsatz (EUR)"),
    "discount_eur": ("Discount (EUR)", "Rabatt (EUR)"),
    "cogs_eur": ("Cost of goods (EUR)", "Wareneinsatz (EUR)"),
    "year": ("Year", "Jahr"),
    "accounts": ("Accounts", "Kunden"),
    "total_eur": ("Total (EUR)", "Summe (EUR)"),
    "top20_share": ("Top-20 % share", "Anteil Top 20 %"),
    "gini": ("Gini", "Gini"),
    "gini_normalised": ("Gini (normalised)", "Gini (normiert)"),
    "negative_accounts": ("Accounts below zero", "Kunden unter null"),
    "top20_change": ("Change of top-20 % share", "Veränderung Anteil Top 20 %"),
    "gini_change": ("Change of Gini", "Veränderung Gini"),
    "criterion": ("Criterion", "Kriterium"),
    "label": ("Label", "Bezeichnung"),
    "rule": ("Rule", "Regel"),
    "chosen": ("Chosen", "Gewählt"),
    "revenue_12m": ("Revenue, last 12 months (EUR)", "Umsatz, letzte 12 Monate (EUR)"),
    "abc": ("ABC class", "ABC-Klasse"),
    "score": ("Score", "Score"),
    "rank": ("Rank", "Rang"),
    "criteria_met": ("Criteria met", "Erfüllte Kriterien"),
    "type": ("Type", "Typ"),
    "level": ("Level", "Stufe"),
    "capacity": ("Capacity", "Kapazität"),
    "provisional": ("Provisional", "Vorläufig"),
    "definitive": ("Definitive", "Definitiv"),
    "drop_or_reassign_first": ("Drop or reassign first", "Zuerst streichen oder umverteilen"),
    "All": ("All", "Gesamt"),
    "quadrant": ("Quadrant", "Quadrant"),
    "reason": ("Reason", "Begründung"),
    "strategy": ("Strategy", "Strategie"),
    "definitive key accounts": ("Definitive key accounts", "Key Accounts (definitiv)"),
    "key accounts": ("Key accounts", "Key Accounts"),
    "all active accounts": ("All active accounts", "Alle aktiven Kunden"),
    "accounts with DB IV < 0": ("Accounts with DB IV < 0", "Kunden mit DB IV < 0"),
    "borderline": ("Borderline", "Grenzfall"),
    "raters": ("Raters", "Bewerter"),
    "kendalls_w": ("Kendall's W", "Kendalls W"),
    "mean": ("Mean", "Mittelwert"),
    "std": ("Standard deviation", "Standardabweichung"),
    "min": ("Min", "Min"),
    "max": ("Max", "Max"),
    "range": ("Range", "Spannweite"),
    "count": ("Count", "Anzahl"),
    "attractiveness": ("Attractiveness", "Attraktivität"),
    "strength": ("Strength of relationship", "Beziehungsstärke"),
    "key": ("Key", "Schlüssel"),
    "period": ("Period", "Periode"),
    "gross_revenue": ("Gross revenue", "Bruttoumsatz"),
    "net_revenue": ("Net revenue", "Nettoumsatz"),
    "discount": ("Discounts and bonuses", "Rabatte und Boni"),
    "cogs": ("Cost of goods", "Wareneinsatz"),
    "db1": ("DB I", "DB I"),
    "db2": ("DB II", "DB II"),
    "db3": ("DB III", "DB III"),
    "db4": ("DB IV", "DB IV"),
    "marketing": ("Customer marketing", "Kundenmarketing"),
    "sales": ("Sales", "Vertrieb"),
    "service": ("Service", "Service"),
    "logistics": ("Logistics", "Logistik"),
    "cost_to_serve": ("Cost to serve", "Betreuungskosten"),
    "db4_margin": ("DB IV margin", "DB-IV-Marge"),
    "db4_margin_pct": ("DB IV margin (%)", "DB-IV-Marge (%)"),
    "cts_ratio": ("Cost to serve per EUR net revenue", "Betreuungskosten je EUR Nettoumsatz"),
    "main_cost": ("Main cost", "Größter Kostenblock"),
    "cost_above_db1": ("Cost above DB I", "Kosten über DB I"),
    "key_account": ("Key account", "Key Account"),
    "active_before": ("Active before", "Vorher aktiv"),
    "retained": ("Retained", "Gehalten"),
    "lost": ("Lost", "Verloren"),
    "new": ("New", "Neu"),
    "retention": ("Retention", "Bindungsrate"),
    "margin": ("Margin (EUR a year)", "Deckungsbeitrag (EUR je Jahr)"),
    "clv": ("CLV (EUR)", "CLV (EUR)"),
    "clv_horizon": ("CLV, finite horizon (EUR)", "CLV, endlicher Horizont (EUR)"),
    "clv_start": ("CLV, margin at start (EUR)", "CLV, DB am Jahresanfang (EUR)"),
    "clv_growth": ("CLV with growth (EUR)", "CLV mit Wachstum (EUR)"),
    "clv_sbg": ("CLV, sBG (EUR)", "CLV, sBG (EUR)"),
    "clv_bgnbd": ("CLV, BG/NBD (EUR)", "CLV, BG/NBD (EUR)"),
    "regular actual": ("Regular, actual", "Regulär, beobachtet"),
    "regular projected": ("Regular, projected", "Regulär, projiziert"),
    "high end actual": ("High end, actual", "High End, beobachtet"),
    "high end projected": ("High end, projected", "High End, projiziert"),
    "regular r_t": ("Regular, retention r_t", "Regulär, Bindungsrate r_t"),
    "high end r_t": ("High end, retention r_t", "High End, Bindungsrate r_t"),
    "cohort": ("Cohort", "Kohorte"),
    "years": ("Years", "Jahre"),
    "frequency": ("Frequency (repeat purchases)", "Frequenz (Wiederkäufe)"),
    "recency": ("Recency", "Zeitpunkt des letzten Kaufs"),
    "monetary_value": ("Mean spend per purchase (EUR)", "Mittlerer Umsatz je Kauf (EUR)"),
    "estimate": ("Estimate", "Schätzwert"),
    "std_error": ("Standard error", "Standardfehler"),
    "lower_95": ("Lower 95 % bound", "Untere 95-%-Grenze"),
    "upper_95": ("Upper 95 % bound", "Obere 95-%-Grenze"),
    "parameter": ("Parameter", "Parameter"),
    "p_alive": ("P(alive)", "P(aktiv)"),
    "purchases_next_year": ("Purchases next year", "Käufe im nächsten Jahr"),
    "expected_spend": ("Expected spend per purchase (EUR)", "Erwarteter Umsatz je Kauf (EUR)"),
    "extra_care": ("Extra care (EUR a year)", "Zusätzliche Betreuung (EUR je Jahr)"),
    "required_retention": ("Required retention", "Nötige Bindungsrate"),
    "uplift": ("Uplift", "Zuwachs"),
    "attainable": ("Attainable", "Erreichbar"),
    "note": ("Note", "Hinweis"),
    "from": ("From", "Von"),
    "to": ("To", "Nach"),
    "axis": ("Axis", "Achse"),
    "retention_now": ("Retention now", "Bindungsrate jetzt"),
    "retention_new": ("Retention after the move", "Bindungsrate danach"),
    "margin_now": ("Margin now (EUR)", "DB jetzt (EUR)"),
    "margin_new": ("Margin after the move (EUR)", "DB danach (EUR)"),
    "value": ("Value", "Wert"),
    "care_per_year": ("Care per year (EUR)", "Betreuung je Jahr (EUR)"),
    "attention": ("Attention", "Handlungsbedarf"),
    "base_period": ("Base period", "Basisperiode"),
    "start_accounts": ("Accounts at start", "Kunden zu Beginn"),
    "retained_accounts": ("Retained accounts", "Gehaltene Kunden"),
    "churned_accounts": ("Churned accounts", "Verlorene Kunden"),
    "returned_accounts": ("Returned accounts", "Zurückgekehrte Kunden"),
    "new_accounts": ("New accounts", "Neue Kunden"),
    "logo_retention": ("Logo retention", "Kundenbindung (Anzahl)"),
    "churn_rate": ("Churn rate", "Abwanderungsrate"),
    "start_revenue": ("Revenue at start (EUR)", "Umsatz zu Beginn (EUR)"),
    "expansion": ("Expansion (EUR)", "Ausweitung (EUR)"),
    "contraction": ("Contraction (EUR)", "Rückgang (EUR)"),
    "churned_revenue": ("Revenue of churned accounts (EUR)", "Umsatz verlorener Kunden (EUR)"),
    "grr": ("Gross revenue retention (GRR)", "Brutto-Umsatzbindung (GRR)"),
    "nrr": ("Net revenue retention (NRR)", "Netto-Umsatzbindung (NRR)"),
    "before": ("Before", "Vorher"),
    "now": ("Now", "Jetzt"),
    "flag": ("Flag", "Hinweis"),
    "limit": ("Limit", "Grenzwert"),
    "contribution": ("Contribution", "Beitrag"),
    "action_id": ("Action", "Maßnahme"),
    "goal": ("Goal", "Ziel"),
    "action": ("What", "Was"),
    "owner": ("Owner", "Verantwortlich"),
    "due": ("Due", "Fällig"),
    "state": ("State", "Stand"),
    "band": ("Band", "Ampel"),
    "previous": ("Previous", "Vorher"),
    "current": ("Current", "Aktuell"),
    "trend": ("Trend", "Trend"),
    "symbol": ("Symbol", "Symbol"),
    "assumption": ("Assumption", "Annahme"),
    "source": ("Source", "Quelle"),
    "base_revenue": ("Base revenue", "Basisumsatz"),
    "current_revenue": ("Current revenue", "Aktueller Umsatz"),
}

#: Code values in table cells (category codes of the data model and of kamlib's results).
VALUES: dict[str, tuple[str, str]] = {
    "True": ("yes", "ja"),
    "False": ("no", "nein"),
    "NaN": ("–", "–"),
    "existing": ("existing", "bestehend"),
    "emerging": ("emerging", "aufstrebend"),
    "other": ("other", "sonstige"),
    "strategic": ("strategic", "strategisch"),
    "star": ("star", "Star"),
    "status": ("status", "Status"),
    "streamline": ("streamline", "straffen"),
    "not_key": ("not key", "kein Key Account"),
    "active": ("active", "aktiv"),
    "prospect": ("prospect", "Interessent"),
    "lost": ("lost", "verloren"),
    "exploratory": ("exploratory", "explorativ"),
    "basic": ("basic", "Basis"),
    "cooperative": ("cooperative", "kooperativ"),
    "interdependent": ("interdependent", "wechselseitig abhängig"),
    "integrated": ("integrated", "integriert"),
    "junior": ("junior", "Junior"),
    "senior": ("senior", "Senior"),
    "ceo": ("CEO", "Geschäftsführung"),
    "open": ("open", "offen"),
    "in_progress": ("in progress", "in Arbeit"),
    "done": ("done", "erledigt"),
    "cancelled": ("cancelled", "abgebrochen"),
    "overdue": ("overdue", "überfällig"),
    "red": ("red", "rot"),
    "amber": ("amber", "gelb"),
    "green": ("green", "grün"),
    "up": ("up", "hoch"),
    "down": ("down", "herunter"),
    "pooled": ("pooled", "gepoolt"),
    "data": ("data", "Daten"),
    "weighted sum": ("weighted sum", "gewichtete Summe"),
    "quality": ("quality", "Qualität"),
    "delivery": ("delivery", "Lieferung"),
    "invoice": ("invoice", "Rechnung"),
    "documentation": ("documentation", "Dokumentation"),
    "marketing": ("marketing", "Marketing"),
    "sales": ("sales", "Vertrieb"),
    "service": ("service", "Service"),
    "logistics": ("logistics", "Logistik"),
    "meeting": ("meeting", "Termin"),
    "call": ("call", "Anruf"),
    "visit": ("visit", "Besuch"),
    "email": ("e-mail", "E-Mail"),
    "qbr": ("business review", "Jahresgespräch"),
    "low": ("low", "niedrig"),
    "medium": ("medium", "mittel"),
    "high": ("high", "hoch"),
    "critical": ("critical", "kritisch"),
    "strength": ("strength", "Beziehungsstärke"),
    "attractiveness": ("attractiveness", "Attraktivität"),
}

#: Codes of the profile linter's findings (``profile.findings["check"]``).
CHECKS: dict[str, tuple[str, str]] = {
    "data_ends_early": ("data ends early", "Daten enden früh"),
    "key_contact_not_met": ("key contact not met", "Schlüsselkontakt nicht getroffen"),
    "missing_column": ("missing column", "fehlende Spalte"),
    "missing_field": ("missing field", "fehlendes Feld"),
    "missing_table": ("missing table", "fehlende Tabelle"),
    "no_actions": ("no actions", "keine Maßnahmen"),
    "no_competitors": ("no competitors known", "keine Wettbewerber bekannt"),
    "no_contacts": ("no contacts", "keine Ansprechpartner"),
    "no_decider": ("no decider known", "kein Entscheider bekannt"),
    "no_interactions": ("no interactions", "keine Kontakte"),
    "no_kam": ("no KAM", "kein KAM"),
    "no_revenue_12m": ("no revenue in 12 months", "kein Umsatz in 12 Monaten"),
    "no_targets": ("no targets", "keine Ziele"),
    "no_wallet": ("no wallet estimate", "keine Potenzialschätzung"),
    "open_complaints": ("open complaints", "offene Reklamationen"),
    "opponent_high_influence": ("opponent with high influence", "Gegner mit hohem Einfluss"),
    "overdue_action": ("overdue action", "überfällige Maßnahme"),
    "single_threaded": ("single-threaded", "nur ein Draht zum Kunden"),
    "single_contact": ("single contact", "nur ein Ansprechpartner"),
    "stale_review": ("stale review", "veraltetes Jahresgespräch"),
    "no_review": ("no review held", "kein Jahresgespräch"),
    "wallet_below_revenue": ("wallet below revenue", "Potenzial unter Umsatz"),
}

#: Sentences the notebooks print: English template -> German template. ``{name}`` is any text; numbers,
#: dates and codes inside it are localised too (see :func:`localise_text`).
SENTENCES: dict[str, tuple[str, str]] = {
    "top20_revenue_12m": ("Top-20 % share of revenue, last 12 months: {x}",
                          "Anteil der Top 20 % am Umsatz, letzte 12 Monate: {x}"),
    "top20_db1_12m": ("Top-20 % share of DB I, last 12 months: {x}",
                      "Anteil der Top 20 % am DB I, letzte 12 Monate: {x}"),
    "saved_key_accounts": ("saved {n} accounts ({k} definitive key accounts) to key_accounts.csv",
                           "{n} Kunden ({k} definitive Key Accounts) in key_accounts.csv gespeichert"),
    "no_output_dir_01": ("output_dir is empty: key_accounts.csv not written (kam run sets it to the report folder)",
                         "output_dir ist leer: key_accounts.csv nicht geschrieben (kam run setzt den Berichtsordner)"),
    "definitive_share": ("Definitive key accounts: {n}; their share of revenue in the last 12 months: {x}",
                         "Anzahl definitiver Key Accounts: {n}; ihr Umsatzanteil in den letzten 12 Monaten: {x}"),
    "borderline": ("Borderline accounts: {n}; stable selections: {k}",
                   "Grenzfälle: {n}; stabil ausgewählt: {k}"),
    "no_ratings": ("No ratings table in this source: the workshop agreement cannot be shown.",
                   "Keine Tabelle ratings in dieser Quelle: die Übereinstimmung im Workshop kann nicht gezeigt werden."),
    "note": ("Note: {text}", "Hinweis: {text}"),
    "window": ("Window: {start} to {end}; {decision}; view: {view}",
               "Zeitraum: {start} bis {end}; {decision}; Sicht: {view}"),
    "view_portfolio": ("portfolio", "Portfolio"),
    "view_account": ("account {id}", "Kunde {id}"),
    "portfolio_accounts": ("Portfolio: {n} accounts with revenue or cost to serve in the window",
                           "Portfolio: {n} Kunden mit Umsatz oder Betreuungskosten im Zeitraum"),
    "rank_by_db4": ("{account}: rank {k} of {n} by DB IV", "{account}: Rang {k} von {n} nach DB IV"),
    "median_cts": ("Median cost to serve per EUR of net revenue: key accounts {a}, other accounts {b}",
                   "Median der Betreuungskosten je EUR Nettoumsatz: Key Accounts {a}, übrige Kunden {b}"),
    "destroyers": ("Profit destroyers: {n}; of them key accounts: {k}; most frequent main cost: {cost}",
                   "Gewinnvernichter: {n}; davon Key Accounts: {k}; häufigster größter Kostenblock: {cost}"),
    "positive_db4": ("{id} earns a positive DB IV in the window", "{id} erwirtschaftet im Zeitraum einen positiven DB IV"),
    "negative_db4": ("{id} loses money after cost to serve in the window",
                     "{id} macht im Zeitraum nach Betreuungskosten Verlust"),
    "retention_used": ("Retention used: r = {r} ({how}); churn 1 - r = {churn}",
                       "Verwendete Bindungsrate: r = {r} ({how}); Abwanderung 1 - r = {churn}"),
    "pooled_over": ("orders: pooled over {n} years", "Aufträge: gepoolt über {n} Jahre"),
    "by_hand": ("by hand: {formula}", "von Hand: {formula}"),
    "by_kamlib": ("kamlib: {call} = {x}", "kamlib: {call} = {x}"),
    "clv_inputs": ("{account}: m = {m}, r = {r}, d = {d}", "{account}: m = {m}, r = {r}, d = {d}"),
    "finite_horizon": ("finite horizon T = {t}: {x}; margin at start: {y}",
                       "endlicher Horizont T = {t}: {x}; DB am Jahresanfang: {y}"),
    "published_sbg": ("Published (Fader & Hardie 2007): regular alpha {a}, beta {b}; high end alpha {c}, beta {d}",
                      "Veröffentlicht (Fader & Hardie 2007): regulär alpha {a}, beta {b}; High End alpha {c}, beta {d}"),
    "enough_history": ("Enough history: {text}", "Genug Historie: {text}"),
    "not_enough_history": ("Not enough history: {n} years of cohort history, {k} accounts, {l} lost; the sBG needs "
                           "at least {m} years, at least {j} lost accounts to tell heterogeneity from a constant "
                           "churn rate",
                           "Zu kurze Historie: {n} Jahre Kohortenhistorie, {k} Kunden, {l} verloren; das sBG braucht "
                           "mindestens {m} Jahre und mindestens {j} verlorene Kunden, um Heterogenität von einer "
                           "konstanten Abwanderungsrate zu unterscheiden"),
    "sbg_decision": ("Decision: the CLV in this notebook uses the pooled retention r = {r}. The sBG needs several "
                     "consecutive years of the same cohorts to separate loyal from disloyal accounts; with a short "
                     "history its alpha and beta would be guesses, not estimates. Rerun when the order history is "
                     "longer.",
                     "Entscheidung: Der CLV in diesem Notebook verwendet die gepoolte Bindungsrate r = {r}. Das sBG "
                     "braucht mehrere aufeinanderfolgende Jahre derselben Kohorten, um treue von untreuen Kunden zu "
                     "trennen; bei kurzer Historie wären alpha und beta geraten, nicht geschätzt. Mit längerer "
                     "Auftragshistorie erneut ausführen."),
    "sbg_failed": ("The sBG fit failed, so the pooled retention stays in use: {text}",
                   "Die sBG-Anpassung ist gescheitert, daher bleibt die gepoolte Bindungsrate: {text}"),
    "sbg_kept": ("Section 2 keeps the pooled retention; clv_sbg adds the tenure-aware sBG value per account.",
                 "Abschnitt 2 behält die gepoolte Bindungsrate; clv_sbg ergänzt je Kunde den sBG-Wert nach Kundenalter."),
    "rfm_accounts": ("{n} accounts with orders; purchases on the same day count once; times in {unit}",
                     "{n} Kunden mit Aufträgen; Käufe am selben Tag zählen einmal; Zeiten in {unit}"),
    "no_repeat": ("{n} customers without a repeat purchase left out (no spend to learn from)",
                  "{n} Kunden ohne Wiederkauf ausgelassen (kein Umsatz, aus dem sich lernen ließe)"),
    "gg_correlated": ("frequency and spend are correlated ({c}); the Gamma-Gamma assumes they are independent, so "
                      "treat its spend estimates with care",
                      "Frequenz und Umsatz sind korreliert ({c}); das Gamma-Gamma-Modell nimmt Unabhängigkeit an, "
                      "seine Umsatzschätzungen also mit Vorsicht lesen"),
    "expected_clv": ("Expected CLV over {t} years, all accounts: {x}; accounts with P(alive) below 50 %: {n}",
                     "Erwarteter CLV über {t} Jahre, alle Kunden: {x}; Kunden mit P(aktiv) unter 50 %: {n}"),
    "margin_in_focus": ("Margin in focus {m} a year. One point more retention: {a}; one point more discount rate: "
                        "{b} (horizon {t} years)",
                        "Betrachteter DB {m} je Jahr. Ein Punkt mehr Bindungsrate: {a}; ein Punkt mehr Diskontsatz: "
                        "{b} (Horizont {t} Jahre)"),
    "extra_care": ("Extra care {x} a year per account, r = {r}, d = {d}, horizon {t} years: pays off with an "
                   "attainable uplift for {k} of {n} accounts",
                   "Zusätzliche Betreuung {x} je Jahr und Kunde, r = {r}, d = {d}, Horizont {t} Jahre: lohnt sich "
                   "mit erreichbarem Zuwachs bei {k} von {n} Kunden"),
    "moves_up": ("Most valuable moves up:", "Wertvollste Aufstiege:"),
    "moves_down_key": ("Costliest moves down for key accounts:", "Teuerste Abstiege der Key Accounts:"),
    "moves_down": ("Costliest moves down:", "Teuerste Abstiege:"),
    "saved_value": ("saved customer_value.csv ({n} accounts) and quadrant_moves.csv ({k} moves)",
                    "customer_value.csv ({n} Kunden) und quadrant_moves.csv ({k} Wechsel) gespeichert"),
    "no_output_dir_03": ("output_dir is empty: customer_value.csv and quadrant_moves.csv not written (kam run sets it)",
                         "output_dir ist leer: customer_value.csv und quadrant_moves.csv nicht geschrieben "
                         "(kam run setzt ihn)"),
    "saved_profile": ("saved findings, opportunities, contacts and quarterly history as {files}",
                      "Befunde, Chancen, Kontakte und Quartalshistorie als {files} gespeichert"),
    "review_of": ("{account}: review of {q} ({start} to {end})", "{account}: Review von {q} ({start} bis {end})"),
    "parts_add_up": ("parts add up to the total: {ok}", "Teile ergeben die Summe: {ok}"),
    "csv_written": ("CSV extracts written", "CSV-Auszüge geschrieben"),
    "portfolio_review": ("Portfolio review {q}: {decision}", "Portfolio-Review {q}: {decision}"),
    "meets_rank": ("meets {criteria}; rank {k}", "erfüllt {criteria}; Rang {k}"),
    "meets_k_of_n": ("meets {k} of {n} criteria (needs {m})", "erfüllt {k} von {n} Kriterien (nötig: {m})"),
    "rank_beyond": ("rank {k} beyond the {n} places", "Rang {k} jenseits der {n} Plätze"),
    "status_reason": ("status {status}", "Status {status}"),
    "no_revenue_12m": ("no revenue in the last 12 months", "kein Umsatz in den letzten 12 Monaten"),
    "reassign": ("reassign: {kam} is over capacity ({a} > {b})", "umverteilen: {kam} ist über der Kapazität ({a} > {b})"),
    "over_capacity": ("over capacity of {kam} ({a} > {b}); lowest score dropped first",
                      "über der Kapazität von {kam} ({a} > {b}); niedrigster Score zuerst gestrichen"),
    "beyond_total_capacity": ("beyond the KAMs' total capacity", "jenseits der Gesamtkapazität der KAMs"),
    "no_kam": ("key account without a KAM: assign one", "Key Account ohne KAM: einen zuordnen"),
    "weights_normalised": ("weights summed to {x}; normalised to 1", "Gewichte ergaben {x}; auf 1 normiert"),
    "exceeds_capacity": ("the provisional list ({n}) exceeds the KAMs' total capacity ({k}); drop the lowest scores "
                         "first - promoting later is easier than demoting",
                         "die vorläufige Liste ({n}) übersteigt die Gesamtkapazität der KAMs ({k}); die niedrigsten "
                         "Scores zuerst streichen - später aufnehmen ist leichter als herabstufen"),
    "not_calendar_quarter": ("{wrong}: parameter period: {p} is not a calendar quarter; write it like '2025Q4' "
                             "(year, the letter Q, quarter 1-4)",
                             "{wrong}: Parameter period: {p} ist kein Kalenderquartal; schreiben Sie es wie '2025Q4' "
                             "(Jahr, der Buchstabe Q, Quartal 1-4)"),
    "not_complete": ("{wrong}: parameter period: {p} is not complete as of {date}; the latest quarter that can be "
                     "reviewed is {q}",
                     "{wrong}: Parameter period: {p} ist zum {date} nicht abgeschlossen; das letzte Quartal für ein "
                     "Review ist {q}"),
    "cohort_existing": ("{year} (existing)", "{year} (bestehend)"),
    "margin_basis": ("DB IV, last 12 months ({start} to {end})", "DB IV, letzte 12 Monate ({start} bis {end})"),
    "not_attainable_note": ("not attainable: even 100 % retention would not pay for the care",
                            "nicht erreichbar: selbst 100 % Bindung würde die Betreuung nicht bezahlen"),
    "no_orders_quarter": ("{wrong}: parameter period: {p} has no orders in the data; quarters with data: {a} to {b}",
                          "{wrong}: Parameter period: {p} hat keine Aufträge in den Daten; Quartale mit Daten: "
                          "{a} bis {b}"),
}

#: Headings of notebooks 00-05 (without the leading ``#`` and the "N · " number): English -> German.
HEADINGS: dict[str, tuple[str, str]] = {
    "Start here: what Key Account Management is, and the data behind this workbook":
        ("Start here: what Key Account Management is, and the data behind this workbook",
         "Einstieg: was Key Account Management ist, und die Daten hinter diesem Arbeitsbuch"),
    "What Key Account Management is": ("What Key Account Management is", "Was Key Account Management ist"),
    "The KAM cycle and the notebook map": ("The KAM cycle and the notebook map",
                                           "Der KAM-Zyklus und die Übersicht der Notebooks"),
    "The data": ("The data", "Die Daten"),
    "How concentrated is revenue?": ("How concentrated is revenue?", "Wie konzentriert ist der Umsatz?"),
    "Key points": ("Key points", "Kernaussagen"),
    "Learning objectives": ("Learning objectives", "Lernziele"),
    "Exercises": ("Exercises", "Übungen"),
    "Exercise": ("Exercise", "Übung"),
    "Glossary": ("Glossary", "Glossar"),
    "Solutions": ("Solutions", "Lösungen"),
    "Further reading": ("Further reading", "Weiterführende Literatur"),
    "Summary": ("Summary", "Zusammenfassung"),
    "KAM, sales and account planning — hunter, farmer and the glass ceiling":
        ("KAM, sales and account planning — hunter, farmer and the glass ceiling",
         "KAM, Vertrieb und Kundenplanung — Jäger, Farmer und die gläserne Decke"),
    "The key account manager: levels, focus, KPIs and skills":
        ("The key account manager: levels, focus, KPIs and skills",
         "Der Key Account Manager: Stufen, Schwerpunkte, Kennzahlen und Fähigkeiten"),
    "Introducing KAM: a project of about two years, and ten basic rules":
        ("Introducing KAM: a project of about two years, and ten basic rules",
         "KAM einführen: ein Projekt von etwa zwei Jahren, und zehn Grundregeln"),
    "Care beyond the orders: key figures, CRM programmes, contact and complaint management":
        ("Care beyond the orders: key figures, CRM programmes, contact and complaint management",
         "Betreuung über die Aufträge hinaus: Kennzahlen, CRM-Programme, Kontakt- und Beschwerdemanagement"),
    "Relationship stages": ("Relationship stages", "Beziehungsstufen"),
    "The customer's business plan and target group": ("The customer's business plan and target group",
                                                      "Geschäftsplan und Zielgruppe des Kunden"),
    "Review cadence: monthly check-in, QBR and Jahresgespräch":
        ("Review cadence: monthly check-in, QBR and Jahresgespräch",
         "Review-Rhythmus: monatlicher Abgleich, Quartalsgespräch und Jahresgespräch"),
    "Controlling: the programme is reviewed too": ("Controlling: the programme is reviewed too",
                                                    "Controlling: auch das Programm wird überprüft"),
    "Account selection: from the whole customer base to a defensible key-account list":
        ("Account selection: from the whole customer base to a defensible key-account list",
         "Kundenauswahl: vom ganzen Kundenstamm zu einer begründeten Key-Account-Liste"),
    "Concentration: how much depends on how few?": ("Concentration: how much depends on how few?",
                                                    "Konzentration: wie viel hängt an wie wenigen?"),
    "Criteria: what makes a key account?": ("Criteria: what makes a key account?",
                                            "Kriterien: was macht einen Key Account aus?"),
    "The rule: at least two criteria, then rank — the provisional list":
        ("The rule: at least two criteria, then rank — the provisional list",
         "Die Regel: mindestens zwei Kriterien, dann Rang — die vorläufige Liste"),
    "Capacity: how many key accounts can we serve?": ("Capacity: how many key accounts can we serve?",
                                                      "Kapazität: wie viele Key Accounts können wir betreuen?"),
    "Existing and emerging key accounts": ("Existing and emerging key accounts",
                                           "Bestehende und aufstrebende Key Accounts"),
    "The definitive list": ("The definitive list", "Die definitive Liste"),
    "Portfolio matrix": ("Portfolio matrix", "Portfolio-Matrix"),
    "Sensitivity: would a slightly different weighting change the list?":
        ("Sensitivity: would a slightly different weighting change the list?",
         "Sensitivität: würde eine etwas andere Gewichtung die Liste ändern?"),
    "How far do the workshop raters agree?": ("How far do the workshop raters agree?",
                                              "Wie weit stimmen die Bewerter im Workshop überein?"),
    "Workshop: move the weights, watch the ranking": ("Workshop: move the weights, watch the ranking",
                                                      "Workshop: Gewichte verschieben, Rangfolge beobachten"),
    "Account profile: one page per key account, ready for the customer meeting":
        ("Account profile: one page per key account, ready for the customer meeting",
         "Kundenprofil: eine Seite je Key Account, bereit für das Kundengespräch"),
    "Basics: who, where, how big": ("Basics: who, where, how big", "Stammdaten: wer, wo, wie groß"),
    "Relationship history": ("Relationship history", "Geschichte der Beziehung"),
    "Product lines and products over time": ("Product lines and products over time",
                                             "Produktlinien und Produkte im Zeitverlauf"),
    "Complaints over time": ("Complaints over time", "Reklamationen im Zeitverlauf"),
    "Buying center: who decides, who influences, whom have we met?":
        ("Buying center: who decides, who influences, whom have we met?",
         "Buying Center: wer entscheidet, wer beeinflusst, wen haben wir getroffen?"),
    "Coverage: is the relationship carried by enough people?":
        ("Coverage: is the relationship carried by enough people?",
         "Abdeckung: wird die Beziehung von genug Personen getragen?"),
    "Whitespace: where could we sell more?": ("Whitespace: where could we sell more?",
                                              "Whitespace: wo könnten wir mehr verkaufen?"),
    "Competitors: who else supplies this customer?": ("Competitors: who else supplies this customer?",
                                                      "Wettbewerber: wer beliefert diesen Kunden noch?"),
    "Goals, pain points and actions": ("Goals, pain points and actions", "Ziele, Pain Points und Maßnahmen"),
    "Profile linter: how stale or thin is this profile?": ("Profile linter: how stale or thin is this profile?",
                                                           "Profil-Check: wie veraltet oder dünn ist dieses Profil?"),
    "Customer value: what each account earns, what it will be worth, and where care stops paying":
        ("Customer value: what each account earns, what it will be worth, and where care stops paying",
         "Kundenwert: was jeder Kunde erwirtschaftet, was er wert sein wird und wo sich Betreuung nicht mehr lohnt"),
    "What does each account earn? From gross revenue to DB IV":
        ("What does each account earn? From gross revenue to DB IV",
         "Was erwirtschaftet jeder Kunde? Vom Bruttoumsatz zum DB IV"),
    "Cost to serve against revenue": ("Cost to serve against revenue", "Betreuungskosten gegen Umsatz"),
    "The whale curve: who earns the profit, who destroys it":
        ("The whale curve: who earns the profit, who destroys it",
         "Die Walkurve: wer den Gewinn erwirtschaftet, wer ihn vernichtet"),
    "What will an account be worth? Contractual customer lifetime value":
        ("What will an account be worth? Contractual customer lifetime value",
         "Was wird ein Kunde wert sein? Vertraglicher Kundenlebenszeitwert"),
    "Does retention rise with the age of a relationship? The sBG model":
        ("Does retention rise with the age of a relationship? The sBG model",
         "Steigt die Bindung mit dem Alter der Beziehung? Das sBG-Modell"),
    "The wider customer base: is the account still buying, and what will it bring?":
        ("The wider customer base: is the account still buying, and what will it bring?",
         "Der breitere Kundenstamm: kauft der Kunde noch, und was wird er bringen?"),
    "Sensitivity and decisions": ("Sensitivity and decisions", "Sensitivität und Entscheidungen"),
    "How sensitive is the value to retention and the discount rate?":
        ("How sensitive is the value to retention and the discount rate?",
         "Wie empfindlich reagiert der Wert auf Bindungsrate und Diskontsatz?"),
    "Which retention uplift pays for extra care?": ("Which retention uplift pays for extra care?",
                                                    "Welcher Bindungszuwachs bezahlt zusätzliche Betreuung?"),
    "What is moving an account one quadrant worth?": ("What is moving an account one quadrant worth?",
                                                      "Was ist es wert, einen Kunden um einen Quadranten zu bewegen?"),
    "Extracts for the next steps": ("Extracts for the next steps", "Auszüge für die nächsten Schritte"),
    "Review cycle: the quarterly business review of one key account":
        ("Review cycle: the quarterly business review of one key account",
         "Review-Zyklus: das Quartalsgespräch mit einem Key Account"),
    "Periods are explicit": ("Periods are explicit", "Perioden sind ausdrücklich angegeben"),
    "Plan against actual": ("Plan against actual", "Plan gegen Ist"),
    "Where the change comes from: volume, mix and price": ("Where the change comes from: volume, mix and price",
                                                           "Woher die Veränderung kommt: Menge, Mix und Preis"),
    "The KPIs of source 003": ("The KPIs of source 003", "Die Kennzahlen aus Quelle 003"),
    "Health score": ("Health score", "Health Score"),
    "Actions: what was agreed and what comes next": ("Actions: what was agreed and what comes next",
                                                     "Maßnahmen: was vereinbart wurde und was als Nächstes kommt"),
    "One-page summary for the review meeting": ("One-page summary for the review meeting",
                                                "Einseitige Zusammenfassung für das Review-Gespräch"),
    "Portfolio review: all key accounts for management": ("Portfolio review: all key accounts for management",
                                                          "Portfolio-Review: alle Key Accounts für die Geschäftsleitung"),
    "All key accounts in one view": ("All key accounts in one view", "Alle Key Accounts auf einen Blick"),
    "Retention of the customer base and of the key accounts":
        ("Retention of the customer base and of the key accounts",
         "Bindung des Kundenstamms und der Key Accounts"),
    "Quadrant migration": ("Quadrant migration", "Wanderung zwischen den Quadranten"),
    "KAM workload": ("KAM workload", "Auslastung der KAMs"),
    "Pitfalls of source 001": ("Pitfalls of source 001", "Fallstricke aus Quelle 001"),
}

#: The run's index page (``index.html``) and report footer, written by :mod:`kamlib.runner`.
INDEX: dict[str, tuple[str, str]] = {
    "title": ("KAM Workbook run {run_id}", "KAM-Arbeitsbuch: Lauf {run_id}"),
    "heading": ("KAM Workbook: run {run_id}", "KAM-Arbeitsbuch: Lauf {run_id}"),
    "data_as_of": ("Data as of", "Datenstand"),
    "from": ("from", "aus"),
    "started": ("started", "gestartet"),
    "reports": ("reports", "Berichte"),
    "failed": ("failed", "fehlgeschlagen"),
    "ok": ("ok", "ok"),
    "portfolio": ("Portfolio", "Portfolio"),
    "notebook": ("Notebook", "Notebook"),
    "status": ("Status", "Status"),
    "time": ("Time", "Dauer"),
    "files": ("Files", "Dateien"),
    "key_accounts": ("Key accounts", "Key Accounts"),
    "account": ("Account", "Kunde"),
    "name": ("Name", "Name"),
    "kam": ("KAM", "KAM"),
    "revenue_12m": ("Revenue 12 m (EUR)", "Umsatz 12 Monate (EUR)"),
    "quadrant": ("Quadrant", "Quadrant"),
    "type": ("Type", "Typ"),
    "parameters": ("Parameters", "Parameter"),
    "health": ("Health", "Health Score"),
    "flags": ("Flags", "Hinweise"),
    "flag_summary": ("{high} high · {n} in all", "{high} hoch · {n} insgesamt"),
    "reports_col": ("Reports", "Berichte"),
    "decision_override": ("Per-account reports for {n} accounts chosen with {option}, not by the key-account "
                          "decision", "Kundenberichte für manuell ausgewählte Kunden ({option}: {n}) statt nach der "
                          "Key-Account-Auswahl"),
    "skipped_heading": ("Not run, by reason", "Nicht erstellt – Gründe"),
    "diff_kept": ("a key account by the decision although today's data would not select it ({rank})",
                  "laut Beschluss Key Account, obwohl die heutigen Daten ihn nicht auswählen würden ({rank})"),
    "diff_dropped": ("not a key account by the decision although today's data would select it ({rank})",
                     "laut Beschluss kein Key Account, obwohl die heutigen Daten ihn auswählen würden ({rank})"),
    "rank": ("rank {k}", "Rang {k}"),
    "failures_heading": ("What failed, by cause", "Fehler nach Ursache"),
    "footer": ("KAM Workbook run {run_id} · data as of {as_of} · input sha256 {sha} · kamlib {version}",
               "KAM-Arbeitsbuch Lauf {run_id} · Datenstand {as_of} · Eingabe sha256 {sha} · kamlib {version}"),
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


# --------------------------------------------------------------------------- formats

def money(value: float, lang: str = "en", decimals: int = 2) -> str:
    """An amount in EUR: '€1,234.56' (en) or '1.234,56 €' (de); negative amounts keep their sign in front.

    Examples
    --------
    >>> money(1234.56, "en"), money(1234.56, "de")
    ('€1,234.56', '1.234,56\u00a0€')
    >>> money(-5, "en", 0), money(-5, "de", 0)
    ('-€5', '-5\u00a0€')
    >>> money(float("nan"), "de")
    '–'
    """
    if value is None or value != value:
        return "–"
    if check_lang(lang) == "de":
        return f"{number(value, lang, decimals)}\u00a0€"
    sign = "-" if value < 0 else ""
    return f"{sign}€{number(abs(value), lang, decimals)}"


def date(value, lang: str = "en") -> str:
    """A date as German readers write it (31.12.2025) or ISO 8601 (2025-12-31); missing dates give '–'.

    Examples
    --------
    >>> date("2025-12-31", "de"), date("2025-12-31", "en")
    ('31.12.2025', '2025-12-31')
    >>> date(None, "de")
    '–'
    """
    import pandas as pd

    check_lang(lang)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    ts = pd.Timestamp(value)
    return ts.strftime("%d.%m.%Y") if lang == "de" else ts.strftime("%Y-%m-%d")


def short_amount(value: float, lang: str = "en") -> str:
    """A large amount for a chart: '1.5 M', '300 k' (en) or '1,5 Mio.', '300 Tsd.' (de); '0' for zero.

    Examples
    --------
    >>> short_amount(1_520_000, "en"), short_amount(1_520_000, "de"), short_amount(-300_000, "de")
    ('1.5 M', '1,5\u00a0Mio.', '-300\u00a0Tsd.')
    >>> short_amount(float("inf"), "de"), short_amount(0, "en"), short_amount(512, "de")
    ('∞', '0', '512')
    """
    de = check_lang(lang) == "de"
    if value != value or value in (float("inf"), float("-inf")):
        return "∞" if value == value else "–"
    if abs(value) >= 1e6:
        return f"{number(value / 1e6, lang, 1)}\u00a0Mio." if de else f"{value / 1e6:.1f} M"
    if abs(value) >= 1e3:
        return f"{number(value / 1e3, lang, 0)}\u00a0Tsd." if de else f"{value / 1e3:.0f} k"
    return number(value, lang, 0) if value else "0"


def tick_formatter(lang: str = "en", kind: str = "number", decimals: int | None = None):
    """A matplotlib tick formatter: ``kind`` is 'number' (1.234,5 / 1,234.5), 'percent' (fractions: 80 %),
    'money' (EUR, with k and M), 'short' (:func:`short_amount`) or 'thousands' (1.234 k).

    Examples
    --------
    >>> f = tick_formatter("de", "percent")
    >>> f(0.8, 0), tick_formatter("en", "percent")(0.8, 0)
    ('80\u00a0%', '80%')
    >>> tick_formatter("de", "money")(1_500_000, 0), tick_formatter("en", "money")(1_500_000, 0)
    ('1,5\u00a0Mio.\u00a0€', '€1.5M')
    >>> tick_formatter("de")(2500.5, 0), tick_formatter("de")(2.5, 0), tick_formatter("de")(3.0, 0)
    ('2.500,5', '2,5', '3')
    """
    from matplotlib.ticker import FuncFormatter

    check_lang(lang)

    def auto(v: float) -> str:
        if decimals is not None:
            return number(v, lang, decimals)
        text = number(v, lang, 6).rstrip("0")
        return text.rstrip(",." if lang == "de" else ".")

    def fmt(v, _pos=None):
        if kind == "percent":
            text = auto(round(v * 100, 6))
            return f"{text}\u00a0%" if lang == "de" else f"{text}%"
        if kind == "short":
            return short_amount(v, lang)
        if kind == "thousands":
            return f"{auto(v / 1e3)}\u00a0k"
        if kind == "money":
            if abs(v) >= 1e6:
                text = number(v / 1e6, lang, 1)
                return f"{text}\u00a0Mio.\u00a0€" if lang == "de" else f"€{text}M"
            if abs(v) >= 1e3:
                text = number(v / 1e3, lang, 0)
                return f"{text}\u00a0Tsd.\u00a0€" if lang == "de" else f"€{text}k"
            text = number(v, lang, 0)
            return f"{text}\u00a0€" if lang == "de" else f"€{text}"
        return auto(v)

    return FuncFormatter(fmt)


def localise_axes(ax, lang: str = "en") -> None:
    """German tick labels (decimal comma, '80 %') on the numeric axes of ``ax`` and its twins, in place.

    Axes whose formatter is matplotlib's default (ScalarFormatter) or a PercentFormatter are switched;
    category axes and formatters set on purpose (FuncFormatter) are left alone. English is unchanged.
    """
    from matplotlib.ticker import PercentFormatter, ScalarFormatter

    if check_lang(lang) == "en":
        return
    axes = [ax, *(a for a in ax.figure.axes if a is not ax and a.bbox.bounds == ax.bbox.bounds)]
    for a in axes:
        for axis in (a.xaxis, a.yaxis):
            if axis.get_scale() != "linear":
                continue
            f = axis.get_major_formatter()
            if isinstance(f, PercentFormatter):
                scale = f.xmax
                pf = tick_formatter(lang, "percent", f.decimals)
                axis.set_major_formatter(pf if scale == 1.0 else
                                         tick_formatter(lang, "number", f.decimals).__class__(
                                             lambda v, p, s=scale: pf(v / s, p)))
            elif isinstance(f, ScalarFormatter):
                axis.set_major_formatter(tick_formatter(lang, "number"))


# --------------------------------------------------------------------------- tables and text

def code_label(code: str, lang: str = "en") -> str | None:
    """The label of a column code or value code (``COLUMNS``, then the module tables); None if unknown."""
    for table in _code_tables():
        pair = table.get(code)
        if pair is not None:
            return pick(pair, lang)
    return None


def _code_tables() -> list[dict[str, tuple[str, str]]]:
    from . import clv, profile, review, scope, value

    return [COLUMNS, CRITERION_LABELS, CHECKS, _LABELS, profile.LABELS, review.LABELS, VALUES, profile.VALUE_LABELS,
            clv._LABELS, {k: (v[0].lstrip("−= "), v[1].lstrip("−= ")) for k, v in value._LABELS.items()},
            scope.LABELS]


def registry() -> dict[str, tuple[str, str]]:
    """Every (English, German) pair kamlib shows, keyed ``table.key``: this module's tables and the label and
    text tables of the modules (profile, value, clv, review, selection). Tests iterate over it.
    """
    from . import clv, profile, review, scope, selection, value

    tables = {
        "i18n.labels": _LABELS, "i18n.criteria": CRITERION_LABELS, "i18n.quadrants": QUADRANT_LABELS,
        "i18n.table_meaning": TABLE_MEANING, "i18n.columns": COLUMNS, "i18n.values": VALUES, "i18n.checks": CHECKS,
        "i18n.sentences": SENTENCES, "i18n.headings": HEADINGS, "i18n.index": INDEX,
        "profile.labels": profile.LABELS, "profile.values": profile.VALUE_LABELS, "profile.text": profile._TEXT,
        "profile.table_loss": profile._TABLE_LOSS, "value.labels": value._LABELS, "clv.labels": clv._LABELS,
        "clv.time_units": clv._TIME_UNIT_NAMES, "clv.assumptions": clv.ASSUMPTION_LABELS,
        "review.labels": review.LABELS, "review.texts": review._TEXTS, "review.rules": review.RULE_LABELS,
        "selection.criterion_rules": selection.CRITERION_RULES,
        "selection.quadrant_strategy": selection.QUADRANT_STRATEGY, "scope.labels": scope.LABELS,
    }
    extra = getattr(clv, "TEXTS", None)
    if extra:
        tables["clv.texts"] = extra
    return {f"{name}.{key}": pair for name, table in tables.items() for key, pair in table.items()}


_EN_NUMBER = re.compile(r"(?<![\w.,])([-+−]?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\w]|[.,]\d)")
_ISO_DATE = re.compile(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00)?(?![\w-])")
_PERCENT = re.compile(r"(\d)\s?%")
_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def german_numbers(text: str) -> str:
    """English number, percent and ISO-date formats inside ``text`` in German style.

    Examples
    --------
    >>> german_numbers("m = 1,083,305.95 EUR, r = 0.9761, 76.7%, from 2025-01-01")
    'm = 1.083.305,95 EUR, r = 0,9761, 76,7\u00a0%, from 01.01.2025'
    >>> german_numbers("ACC-0044 in 2025Q4, 2023-2025, P(alive) 50 %")
    'ACC-0044 in 2025Q4, 2023-2025, P(alive) 50\u00a0%'
    """
    text = _EN_NUMBER.sub(lambda m: m.group(1) + m.group(2).replace(",", "\x00").replace(".", ",")
                          .replace("\x00", "."), text)
    text = _ISO_DATE.sub(lambda m: f"{m.group(3)}.{m.group(2)}.{m.group(1)}", text)
    return _PERCENT.sub("\\1\u00a0%", text)


def _template_regex(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"(?P<{part}>.+?)")
        else:
            out.append(r"\s+".join(re.escape(w) for w in part.split(" ")))
    return re.compile("".join(out), re.S)


_SENTENCE_RES: list[tuple[re.Pattern, str]] = []
_PHRASES: dict[str, str] = {}


def _phrases() -> dict[str, str]:
    """English label -> German for whole cells: every registry pair without placeholders (first one wins)."""
    if not _PHRASES:
        for en, de in registry().values():
            if "{" not in en and en != de and len(en) > 3:
                _PHRASES.setdefault(en, de)
    return _PHRASES


@functools.lru_cache(maxsize=None)
def _truncated_regex(template: str) -> re.Pattern:
    """Like :func:`_template_regex`, but the text may stop anywhere (pandas cuts long cells with '...')."""
    parts = re.split(r"\{(\w+)\}", template)

    def lit(part: str) -> str:
        return r"\s+".join(re.escape(w) for w in part.split(" "))

    def build(i: int) -> str:
        if i >= len(parts):
            return ""
        rest = build(i + 1)
        if i % 2:
            return f"(?P<{parts[i]}>.+?)(?:{rest})?" if rest else f"(?P<{parts[i]}>.+)"
        part = parts[i]
        if not part:
            return rest
        prefixes = "|".join(lit(part[:k]) for k in range(len(part) - 1, 0, -1))
        full = f"{lit(part)}(?:{rest})?" if rest else lit(part)
        return f"(?:{full}|(?:{prefixes}))" if prefixes else full

    return re.compile(build(0), re.S)


_SENTENCE_RES: list[tuple[re.Pattern, str, str]] = []


def translate_sentence(text: str, lang: str = "en") -> str | None:
    """The German form of an English line printed by a notebook (``SENTENCES``), or None if none matches.

    A text cut short by pandas ('...' at the end) is matched as far as it goes; the German is then cut too.

    Examples
    --------
    >>> translate_sentence("Borderline accounts: 5; stable selections: 20", "de")
    'Grenzfälle: 5; stabil ausgewählt: 20'
    >>> translate_sentence("meets revenue_share, lifetime_value; rank 6", "de")
    'erfüllt Umsatzanteil, Kundenlebenszeitwert; Rang 6'
    >>> translate_sentence("DB IV, last 12 months (2025-01-01 to 2025...", "de")
    'DB IV, letzte 12 Monate (01.01.2025 bis 2025…)...'
    >>> translate_sentence("not attainable: even 100 % retention woul...", "de")
    'nicht erreichbar: selbst 100 % Bindung würde die Betreuung nicht bezahlen'
    """
    if check_lang(lang) == "en":
        return text
    if not _SENTENCE_RES:
        ordered = sorted(SENTENCES.values(), key=lambda p: -len(p[0]))
        _SENTENCE_RES.extend((_template_regex(en), en, de) for en, de in ordered)
    stripped = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    for rx, _, de in _SENTENCE_RES:
        m = rx.fullmatch(stripped)
        if m:
            values = {k: localise_text(v, lang, numbers=True) for k, v in m.groupdict().items()}
            return lead + de.format(**values)
    if stripped.endswith("...") and len(stripped) > 12:
        cut = stripped[:-3]
        for phrase, german in _phrases().items():
            if phrase.startswith(cut):
                return lead + german
        for _, en, de in _SENTENCE_RES:
            m = _truncated_regex(en).fullmatch(cut)
            if m and len(en.split("{", 1)[0]) >= 6:
                names = re.findall(r"\{(\w+)\}", de)
                present = {k: v for k, v in m.groupdict().items() if v is not None}
                last = max(present, key=lambda k: m.start(k)) if present else None
                values = {k: localise_text(present[k], lang, numbers=True) + ("…" if k == last else "")
                          if k in present else "…" for k in names}
                return lead + de.format(**values) + "..."
    return None


_WHOLE_NUMBER = re.compile(r"[-+−]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+)\s?%?")


def localise_text(text: str, lang: str = "en", *, numbers: bool = False) -> str:
    """A cell or printed line in ``lang``: known codes, phrases and sentences (``SENTENCES``) translated,
    ISO dates as 31.12.2025, a cell that is one English-formatted number as 1.234,56.

    Numbers inside other text are converted only with ``numbers=True`` (as for the values of a matched
    English sentence): text that kamlib already wrote in German ("567.642 EUR") must not be converted twice.
    English comes back unchanged.

    Examples
    --------
    >>> localise_text("existing", "de"), localise_text("True", "de"), localise_text("2025-12-31", "de")
    ('bestehend', 'ja', '31.12.2025')
    >>> localise_text("Befund des Profils: key_contact_not_met", "de")
    'Befund des Profils: Schlüsselkontakt nicht getroffen'
    >>> localise_text("1,234.5", "de"), localise_text("Erwartungswert 567.642 EUR", "de")
    ('1.234,5', 'Erwartungswert 567.642 EUR')
    >>> localise_text("revenue_share, relationship, credib...", "de")
    'Umsatzanteil, Stärke der Beziehung, Glaubwürdigkeit / Referenz'
    """
    if check_lang(lang) == "en":
        return text
    core = text.strip()
    if not core:
        return text
    for table in (VALUES, QUADRANT_LABELS, CRITERION_LABELS):
        if core in table:
            return pick(table[core], lang)
    if _WHOLE_NUMBER.fullmatch(core):
        return german_numbers(core)
    if "_" in core and _CODE.fullmatch(core) and code_label(core, lang) is not None:
        return code_label(core, lang)
    phrase = _phrases().get(core)
    if phrase is not None:
        return phrase
    listed = _code_list(core, lang)
    if listed is not None:
        return listed
    sentence = translate_sentence(core, lang)
    if sentence is not None:
        return sentence
    out = _CODE.sub(lambda m: code_label(m.group(0), lang) or m.group(0), core)
    return german_numbers(out) if numbers else _ISO_DATE.sub(lambda m: f"{m.group(3)}.{m.group(2)}.{m.group(1)}", out)


def _code_list(core: str, lang: str) -> str | None:
    """'revenue_share, relationship' (criteria as :class:`~kamlib.selection.Selection` lists them) translated;
    a last item cut short by pandas ('credib...') is completed."""
    items = core.split(", ")
    if len(items) < 2:
        return None
    out = []
    for k, item in enumerate(items):
        if item in CRITERION_LABELS:
            out.append(pick(CRITERION_LABELS[item], lang))
        elif k == len(items) - 1 and item.endswith("...") and item[:-3]:
            hits = [c for c in CRITERION_LABELS if c.startswith(item[:-3])]
            if len(hits) != 1:
                return None
            out.append(pick(CRITERION_LABELS[hits[0]], lang))
        else:
            return None
    return ", ".join(out)


def format_frame(df, lang: str = "en", *, decimals: int = 2, percent: tuple[str, ...] = ()):
    """A display copy of ``df`` for ``lang``: column and index names and code values translated (see
    :func:`code_label`), numbers as text with ``decimals`` (columns in ``percent`` as percentages), dates as
    :func:`date`. Keeps English labels for ``lang='en'`` but still formats numbers (1,234.56).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"revenue_12m": [1234.5], "type": ["existing"], "retention": [0.9]},
    ...                   index=pd.Index(["ACC-1"], name="account_id"))
    >>> format_frame(df, "de", percent=("retention",)).to_dict("records")
    [{'Umsatz, letzte 12 Monate (EUR)': '1.234,50', 'Typ': 'bestehend', 'Bindungsrate': '90,0\u00a0%'}]
    >>> format_frame(df, "de").index.name
    'Kunden-ID'
    """
    import numpy as np
    import pandas as pd

    check_lang(lang)

    def cell(col, v):
        if v is None or (not isinstance(v, (str, list, tuple, np.ndarray)) and pd.isna(v)):
            return "–"
        if isinstance(v, (bool, np.bool_)):
            return t("yes" if v else "no", lang)
        if isinstance(v, (pd.Timestamp, np.datetime64)):
            return date(v, lang)
        if isinstance(v, (int, np.integer)):
            return number(float(v), lang, 0)
        if isinstance(v, (float, np.floating)):
            return globals()["percent"](float(v), lang) if col in percent else number(float(v), lang, decimals)
        return localise_text(str(v), lang) if lang == "de" else str(v)

    def head(name):
        if name is None:
            return None
        return code_label(str(name), lang) or (localise_text(str(name), lang) if lang == "de" else str(name))

    out = pd.DataFrame({head(c): [cell(c, v) for v in df[c]] for c in df.columns}, index=df.index.copy())
    if lang == "de":
        out.index = out.index.map(lambda v: localise_text(v, lang) if isinstance(v, str) else v)
    out.index.names = [head(n) for n in df.index.names]
    return out


def styler(df, lang: str = "en", *, precision: int = 2):
    """A pandas Styler showing ``df`` with the number format of ``lang`` (thousands and decimal separators)
    and translated headers.

    Examples
    --------
    >>> import pandas as pd
    >>> html = styler(pd.DataFrame({"revenue_12m": [1234.5]}), "de").to_html()
    >>> "1.234,50" in html and "Umsatz, letzte 12 Monate (EUR)" in html
    True
    """
    de = check_lang(lang) == "de"
    shown = df.rename(columns=lambda c: code_label(str(c), lang) or c)
    # a Styler, unlike DataFrame.to_html, does not escape by default: cells, labels and names carry customer text
    st = shown.style.format(precision=precision, thousands="." if de else ",", decimal="," if de else ".",
                            na_rep="–", escape="html")
    for axis in (0, 1):
        st = st.format_index(escape="html", axis=axis).format_index_names(escape="html", axis=axis)
    return st
