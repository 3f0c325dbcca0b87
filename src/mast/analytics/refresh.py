"""Bringing the partnership's figures up to date: after each load (mast.ingest) and nightly
(`mast analytics_refresh`), so that the purge's removals leave the figures too."""

import logging
from datetime import datetime

from mast.analytics import facts, quality

log = logging.getLogger(__name__)


def refresh() -> facts.Refreshed:
    """The caller says what was done: `mast analytics_refresh` prints it, the worker logs it (a log line here
    as well printed the command's summary twice)."""
    refreshed = facts.refresh()
    quality.take_snapshot()
    return refreshed


def refresh_after_load() -> None:
    """A load is done whatever becomes of the figures: a failure here is logged for the operator, and the
    dashboard keeps showing the last refresh and says when that was."""
    try:
        refreshed = refresh()
    except Exception:
        log.exception(
            "Analytics could not be refreshed after a load; the dashboard shows the previous refresh"
        )
        return
    log.info(
        "Analytics refreshed: %d involvements, %d person-months in %.1f s",
        refreshed.involvements,
        refreshed.person_months,
        refreshed.seconds,
    )


def refresh_unless_newer(asked_at: datetime) -> bool:
    """Each load asks for a refresh (mast.analytics.tasks); a run of loads — the demo's, a partner's pushes
    minutes apart — needs only one that began after the last of them. At a million records a refresh reads
    every involvement for a minute or more, so one per load would keep the background worker busy for
    nothing and hold up the next upload behind it."""
    current = facts.as_of()
    if current is not None and current >= asked_at:
        return False
    refresh_after_load()
    return True
