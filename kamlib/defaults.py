"""The workbook's defaults: one home for every parameter default that more than one step reads.

Notebook 01, the runner (``kam run``), notebooks 03 and 05, the workshops and
:func:`kamlib.selection.select_key_accounts` all take their selection defaults from :data:`SELECTION`;
the notebooks' parameters cells leave these parameters at ``None`` ("the workbook default"), so no two
parts of the workbook can decide differently by accident (``tests/test_decision.py`` checks it).

Dates and periods have no fixed default at all: they come from the data (:func:`kamlib.data.readers.data_as_of`,
:func:`kamlib.review.last_complete_quarter`), so a company's own export works without editing anything.

Examples
--------
>>> from kamlib import defaults
>>> p = defaults.selection_parameters(criteria=["revenue_share", "relationship", "credibility"])
>>> p["weights"]  # chosen criteria without weights: equal weights
{'revenue_share': 0.3333333333333333, 'relationship': 0.3333333333333333, 'credibility': 0.3333333333333333}
>>> defaults.selection_parameters()["weights"]["revenue_share"]
0.35
"""

from __future__ import annotations

import copy

#: The key-account selection of source 004: four criteria, revenue share weighted highest, a criterion
#: is met at a score of 7 of 10, an account must meet two; the list is as long as the KAMs' capacity
#: (``max_key_accounts`` None), a fifth of its places reserved for emerging accounts (``emerging_share``).
#: Amounts are scored by percentile (``scoring_rule``; ``share_of_max`` and ``log`` keep the distances), a
#: company may add criteria from its accounts columns (``custom_criteria``), and two chosen criteria that
#: correlate at 0.9 or more get a warning (``redundancy_threshold``).
SELECTION: dict = {
    "criteria": ["revenue_share", "lifetime_value", "growth_potential", "relationship"],
    "weights": {"revenue_share": 0.35, "lifetime_value": 0.25, "growth_potential": 0.20, "relationship": 0.20},
    "thresholds": {"revenue_share": 7.0, "lifetime_value": 7.0, "growth_potential": 7.0, "relationship": 7.0},
    "min_criteria": 2,
    "cutoffs": [0.8, 0.95],
    "max_key_accounts": None,
    "use_ratings": False,
    "discount_rate": 0.10,
    "scoring_rule": "percentile",
    "custom_criteria": None,
    "emerging_share": 0.2,
    "redundancy_threshold": 0.9,
}

#: Health score components of the review (notebook 04) and their default weights (normalised to sum 1).
#: Here, not in :mod:`kamlib.review`, because the decision step reads their names too (to tell health
#: weights from selection weights) and review reads the decision: neither may import the other for it.
HEALTH_WEIGHTS: dict[str, float] = {
    "growth_vs_plan": 0.25,
    "margin": 0.15,
    "engagement": 0.20,
    "complaints": 0.15,
    "coverage": 0.15,
    "action_completion": 0.10,
}

#: The health score's findings (:func:`kamlib.review.health_findings`, notebooks 04 and 05; ``health_rules``).
#: A gap is a finding, not a blank: a key account without a KAM, a revenue target, an action plan, a review
#: meeting within the cadence or a decider on our side is flagged and its score capped at ``gap_cap`` (the top
#: of amber); a loss (DB IV below ``min_db4_margin`` of net revenue, 0: below zero), revenue more than
#: ``max_fall`` below the same quarter last year, and ``gaps_for_red`` gaps at once (None: never) are red
#: flags that cap it at ``red_cap`` (the top of red). Complaints cost ``complaint_points`` by severity, once
#: when opened in the quarter and once when still open at its end (no severity: medium).
HEALTH_RULES: dict = {
    "min_db4_margin": 0.0,
    "max_fall": 0.30,
    "gaps_for_red": 2,
    "red_cap": 50.0,
    "gap_cap": 75.0,
    "complaint_points": {"low": 10.0, "medium": 20.0, "high": 40.0, "critical": 60.0},
}

#: Selection parameters a run or a notebook may set (``-p NAME=VALUE``); all others are not selection's.
SELECTION_KEYS = tuple(SELECTION)


def selection_parameters(**given) -> dict:
    """The workbook's selection parameters with ``given`` ones (not None) put over :data:`SELECTION`.

    When ``criteria`` are given without ``weights`` (or ``thresholds``), the defaults for the default
    criteria do not fit them: the chosen criteria get equal weights (and the threshold 7). A
    ``max_key_accounts`` of 0 means "the KAMs' capacity", as None does. Unknown names raise ``TypeError``
    (a misspelt parameter would otherwise be ignored silently).
    """
    unknown = sorted(set(given) - set(SELECTION))
    if unknown:
        raise TypeError(f"not a selection parameter: {', '.join(unknown)}")
    given = {k: v for k, v in given.items() if v is not None}
    out = copy.deepcopy(SELECTION)
    if (
        "criteria" in given
        and not isinstance(given["criteria"], str)
        and set(given["criteria"]) != set(SELECTION["criteria"])
    ):
        crit = list(given["criteria"])
        own = given.get("custom_criteria") or {}  # a company criterion's threshold comes with its definition
        out["weights"] = {c: 1.0 / len(crit) for c in crit} if crit else {}
        out["thresholds"] = {c: 7.0 for c in crit if c not in own}
    out.update(copy.deepcopy(given))
    if out.get("max_key_accounts") == 0:
        out["max_key_accounts"] = None
    if isinstance(out.get("criteria"), (list, tuple)):
        out["criteria"] = list(out["criteria"])
    if isinstance(out.get("cutoffs"), tuple):
        out["cutoffs"] = list(out["cutoffs"])
    return out


#: The profile linter's "account plan not current" (:func:`kamlib.profile.build_profile`, ``plan_stale_days``): an
#: account plan none of whose items was reviewed (``account_plans.updated_on``) within this many days is flagged.
#: Half a year: a plan is reviewed at least at every second quarterly business review.
PLAN_STALE_DAYS = 180


#: The Jahresgespräch pack's proposal for next year's revenue target (:func:`kamlib.present.documents.propose_targets`):
#: this year's change on the year before is continued, limited to ``±trend_cap``; of the expected value (open
#: potential x win probability) of the ``top`` best open opportunities only ``opportunity_share`` is counted for the
#: coming year (winning a product line takes longer than a year); the total change is limited to ``+max_growth``
#: (and never falls below ``-trend_cap``).
TARGET_RULES: dict[str, float] = {
    "trend_cap": 0.15,
    "opportunity_share": 0.25,
    "max_growth": 0.20,
    "top": 3,
}
