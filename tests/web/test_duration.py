"""The requests dashboard says a median time to reply as people say it."""

from datetime import timedelta

import pytest

from mast.web.templatetags.mast_requests import duration


@pytest.mark.parametrize(
    ("span", "said"),
    [
        (None, ""),
        (timedelta(seconds=59), "0 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=45), "45 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=47, minutes=59), "47 hours"),
        (timedelta(days=2), "2 days"),
        (timedelta(days=2, hours=1), "2 days 1 hour"),
        (timedelta(days=3, hours=5), "3 days 5 hours"),
    ],
)
def test_a_time_to_reply_reads_as_people_say_it(span, said):
    assert duration(span) == said
