"""Bringing the partnership's figures up to date: after each load (mast.ingest) and nightly
(`mast analytics_refresh`), so that the purge's removals leave the figures too."""

import logging

from mast.analytics import facts, quality

log = logging.getLogger(__name__)


def refresh() -> facts.Refreshed:
    refreshed = facts.refresh()
    quality.take_snapshot()
    log.info(
        "Analytics refreshed: %d involvements, %d person-months in %.1f s",
        refreshed.involvements,
        refreshed.person_months,
        refreshed.seconds,
    )
    return refreshed


def refresh_after_load() -> None:
    """A load is done whatever becomes of the figures: a failure here is logged for the operator, and the
    dashboard keeps showing the last refresh and says when that was."""
    try:
        refresh()
    except Exception:
        log.exception(
            "Analytics could not be refreshed after a load; the dashboard shows the previous refresh"
        )
