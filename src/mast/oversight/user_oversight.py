"""What the misuse rules know of an agency's users, as its IG officers keep it: each user's declared home
(so a look at their own family or neighbours, or at a colleague's household, raises an alert) and working
hours, their own or their team's (so looks at night from a day worker do).

Every change is written to the audit log in the same transaction. The audit event says which of a user's
details changed and the hours, never the home address itself: the log is read by more people than need to
know where a colleague lives.
"""

from dataclasses import dataclass
from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction

from mast.access.models import Team, User
from mast.audit import chain
from mast.gate.policy import GOVERNANCE, Action
from mast.identity.matching.postcodes import normalise_postcode
from mast.oversight.hours import usual_hours
from mast.oversight.models import TeamHours, UserProfile


@dataclass(frozen=True)
class UserLine:
    user: User
    home_declared: bool
    hours: str
    # Where the hours come from: "own", "team" or "default" (MAST_WORKING_HOURS).
    hours_from: str


def hours_text(start: time, end: time, weekends: bool) -> str:
    days = "every day" if weekends else "weekdays"
    return f"{start:%H:%M} to {end:%H:%M}, {days}"


def team_of(user: User) -> Team | None:
    if not user.team:
        return None
    return Team.objects.filter(agency_id=user.agency_id, name=user.team).first()


def users_of(agency_id: int) -> list[UserLine]:
    default = usual_hours()
    team_hours = {
        hours.team.name: hours
        for hours in TeamHours.objects.filter(team__agency_id=agency_id).select_related("team")
    }
    lines = []
    users = User.objects.filter(agency_id=agency_id, is_active=True).select_related("oversight_profile")
    for user in users.order_by("last_name", "first_name", "username"):
        profile = getattr(user, "oversight_profile", None)
        own = profile and profile.works_from and profile.works_until
        team = team_hours.get(user.team) if user.team else None
        if own:
            said, source = hours_text(profile.works_from, profile.works_until, profile.works_weekends), "own"
        elif team:
            said, source = hours_text(team.works_from, team.works_until, team.works_weekends), "team"
        else:
            said, source = hours_text(*default), "default"
        lines.append(UserLine(user, bool(profile and profile.home_postcode), said, source))
    return lines


def _record(by: User, target: str, ip_address: str | None, **detail) -> None:
    chain.append(
        user=by,
        action=str(Action.MANAGE_USER_OVERSIGHT),
        target=target,
        detail=detail,
        purpose_code=GOVERNANCE[0],
        ip_address=ip_address,
    )


def _check_hours(works_from: time | None, works_until: time | None) -> None:
    if (works_from is None) != (works_until is None):
        field = "works_until" if works_until is None else "works_from"
        raise ValidationError({field: "Enter both times, or neither to use their team's or the usual hours"})
    if works_from is not None and works_from == works_until:
        raise ValidationError({"works_until": "The end must differ from the start"})


@transaction.atomic
def set_profile(by: User, user: User, details: dict, ip_address: str | None = None) -> list[str]:
    """Save a user's home and hours; returns the names of what changed (nothing changed: nothing audited)."""
    if user.agency_id != by.agency_id:
        raise ValidationError("You can only keep the details of your own agency's users")
    _check_hours(details.get("works_from"), details.get("works_until"))
    profile, _ = UserProfile.objects.get_or_create(user=user)
    details = {**details, "home_postcode": normalise_postcode(details.get("home_postcode") or "")}
    changed = [name for name, value in details.items() if getattr(profile, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(profile, name, details[name])
    profile.save()
    home = {"home_postcode", "home_line_1"} & set(changed)
    _record(
        by,
        f"user:{user.username}",
        ip_address,
        changed=sorted(changed),
        home="declared" if home and profile.home_postcode else ("removed" if home else "unchanged"),
        hours=(
            hours_text(profile.works_from, profile.works_until, profile.works_weekends)
            if profile.works_from
            else "team's or usual"
        ),
    )
    return changed


@transaction.atomic
def set_team_hours(by: User, team: Team, details: dict, ip_address: str | None = None) -> bool:
    """Set a team's hours, or clear them (both times blank). Returns whether anything changed."""
    if team.agency_id != by.agency_id:
        raise ValidationError("You can only keep the hours of your own agency's teams")
    works_from, works_until = details.get("works_from"), details.get("works_until")
    _check_hours(works_from, works_until)
    current = TeamHours.objects.filter(team=team).first()
    if works_from is None:
        if current is None:
            return False
        current.delete()
        said = "cleared"
    else:
        wanted = (works_from, works_until, bool(details.get("works_weekends")))
        if current and (current.works_from, current.works_until, current.works_weekends) == wanted:
            return False
        TeamHours.objects.update_or_create(
            team=team,
            defaults={"works_from": wanted[0], "works_until": wanted[1], "works_weekends": wanted[2]},
        )
        said = hours_text(*wanted)
    _record(by, f"team:{team.name}", ip_address, hours=said)
    return True
