"""A practitioner's searches, kept in their session under opaque ids, so that a search can be posted once and
its results read with GET: Back, refresh, the pages of results and "Back to search" then work, and the terms
(personal data) stay out of URLs, server logs and browser history.

The session is stored server-side (Django's database sessions) and ends with the browser or after 8 hours
idle, so the terms last no longer than the session that typed them. Only the last few searches are kept.
"""

import secrets

from django.contrib.sessions.backends.base import SessionBase

SESSION_KEY = "mast_searches"
LAST_KEY = "mast_last_search"
KEPT = 10


def save(session: SessionBase, terms: dict[str, str]) -> str:
    """Keep these terms and return the id their results page is found by."""
    searches = dict(session.get(SESSION_KEY) or {})
    search_id = secrets.token_urlsafe(9)
    searches[search_id] = terms
    # Dicts keep insertion order: the oldest go first.
    while len(searches) > KEPT:
        searches.pop(next(iter(searches)))
    session[SESSION_KEY] = searches
    session[LAST_KEY] = search_id
    return search_id


def terms_of(session: SessionBase, search_id: str) -> dict[str, str] | None:
    """The terms of one of this session's searches; None if it has none by that id (ended, or another's)."""
    terms = (session.get(SESSION_KEY) or {}).get(search_id)
    if terms is not None:
        session[LAST_KEY] = search_id
    return terms


def last(session: SessionBase) -> str | None:
    """The id of the search whose results were read last, if it is still kept."""
    search_id = session.get(LAST_KEY)
    return search_id if search_id in (session.get(SESSION_KEY) or {}) else None
