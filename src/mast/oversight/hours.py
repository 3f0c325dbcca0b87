"""A user's working hours, as the out-of-hours rule reads them: their own (kept by their IG officers), else
their team's, else the partnership's usual hours (MAST_WORKING_HOURS, MAST_WORKING_WEEKENDS)."""

from datetime import datetime, time, timedelta

from django.conf import settings

from mast.access.models import User
from mast.oversight.models import TeamHours, UserProfile


def usual_hours() -> tuple[time, time, bool]:
    start, end = (time.fromisoformat(t.strip()) for t in settings.MAST_WORKING_HOURS.split("-"))
    return start, end, settings.MAST_WORKING_WEEKENDS


def hours_of(user: User, profile: UserProfile | None) -> tuple[time, time, bool]:
    """The user's own hours, else their team's, else MAST_WORKING_HOURS."""
    if profile is not None and profile.works_from and profile.works_until:
        return profile.works_from, profile.works_until, profile.works_weekends
    team = (
        TeamHours.objects.filter(team__agency_id=user.agency_id, team__name=user.team).first()
        if user.team
        else None
    )
    if team is not None:
        return team.works_from, team.works_until, team.works_weekends
    start, end, weekends = usual_hours()
    return start, end, weekends or bool(profile and profile.works_weekends)


def working_at(moment: datetime, start: time, end: time, weekends: bool) -> bool:
    """Whether a local time falls in these hours. Hours that pass midnight (19:00 to 08:00, a night team)
    belong to the day they start on, so a weekday team's Friday night runs into Saturday morning."""
    at = moment.time()
    if start == end:  # a shift of no length: never at work (and the form refuses it)
        return False
    if start < end:
        return start <= at < end and (weekends or moment.weekday() < 5)
    if at >= start:
        return weekends or moment.weekday() < 5
    if at < end:
        return weekends or (moment - timedelta(days=1)).weekday() < 5
    return False
