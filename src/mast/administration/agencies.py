"""Agencies and their teams. Switching an agency off switches off everyone in it at once: none of its users
can sign in, and their live sessions end (access/backends.py refuses them from then on)."""

from django.db import transaction

from mast.access import sessions
from mast.access.models import Agency, Team, User
from mast.administration.actor import Actor, RefusedChange

AGENCY_FIELDS = ("name", "code", "kind", "contact_point")
TEAM_FIELDS = ("name", "manager", "email")


def _plain(value):
    return getattr(value, "username", value)


@transaction.atomic
def create_agency(actor: Actor, details: dict) -> Agency:
    agency = Agency.objects.create(**{f: details[f] for f in AGENCY_FIELDS if f in details})
    actor.record("agency_created", f"agency:{agency.code}", name=agency.name, kind=agency.kind)
    return agency


@transaction.atomic
def change_agency(actor: Actor, agency: Agency, details: dict) -> dict:
    changes = {}
    for field in AGENCY_FIELDS:
        if field in details and details[field] != getattr(agency, field):
            changes[field] = {"from": getattr(agency, field), "to": details[field]}
            setattr(agency, field, details[field])
    if changes:
        agency.save()
        actor.record("agency_changed", f"agency:{agency.code}", changes=changes)
    return changes


@transaction.atomic
def set_agency_active(actor: Actor, agency: Agency, active: bool) -> int:
    """Switch the agency on or off; when off, every session of its users ends. Returns sessions ended."""
    if not active and actor.user.agency_id == agency.pk:
        raise RefusedChange("You cannot switch off your own agency. Ask another administrator.")
    agency.is_active = active
    agency.save(update_fields=["is_active"])
    ended = 0 if active else sessions.end_all(User.objects.filter(agency=agency))
    actor.record(
        "agency_enabled" if active else "agency_disabled", f"agency:{agency.code}", sessions_ended=ended
    )
    return ended


@transaction.atomic
def save_team(actor: Actor, agency: Agency, details: dict, team: Team | None = None) -> Team:
    """Add a team to the agency, or change one; users name their team by its name."""
    creating = team is None
    team = team or Team(agency=agency)
    changes = {}
    for field in TEAM_FIELDS:
        if field in details and details[field] != getattr(team, field):
            changes[field] = {"from": _plain(getattr(team, field)), "to": _plain(details[field])}
            setattr(team, field, details[field])
    old_name = changes.get("name", {}).get("from")
    team.save()
    if old_name and not creating:
        # Users carry their team's name: renaming the team renames it for its members too.
        User.objects.filter(agency=agency, team=old_name).update(team=team.name)
    if creating or changes:
        actor.record(
            "team_created" if creating else "team_changed",
            f"agency:{agency.code}",
            team=team.name,
            changes=changes,
        )
    return team
