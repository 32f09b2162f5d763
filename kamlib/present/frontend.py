"""Who is looking at a notebook: a person in a live frontend (widgets) or a batch run (static output)."""

from __future__ import annotations

import os


def live_frontend() -> bool:
    """True when a person is looking: a kernel started by JupyterLab/Jupyter Server or by Voilà.

    Jupyter Server names the session (``JPY_SESSION_NAME``); Voilà marks every kernel it starts with its own
    variables (``VOILA_SERVER_URL``), also the kernels it prepares for its pool before any page is requested,
    and adds the request's ``SERVER_SOFTWARE``. papermill, nbclient and nbval start kernels without these, so
    batch runs get the static rendering. ``KAM_WORKSHOP_LIVE=1`` or ``=0`` overrides the guess.
    """
    forced = os.environ.get("KAM_WORKSHOP_LIVE")
    if forced in ("0", "1"):
        return forced == "1"
    return (
        os.environ.get("SERVER_SOFTWARE", "").startswith("voila")
        or bool(os.environ.get("VOILA_SERVER_URL"))
        or bool(os.environ.get("JPY_SESSION_NAME"))
    )
