"""Raising alerts after a feed load, and the alerts a user reads, mutes and unmutes.

Who is alerted (docs/alerts-and-email.md): when a load brings a new involvement (created by that load, started
within MAST_ALERT_RECENT_DAYS) for a person who has an open involvement with another agency, that open case's
allocated worker is alerted: the active practitioner of that agency whose email matches the case's contact
email (ignoring case); if there is none, the active practitioners of that agency whose team matches the case's
team (ignoring case and spacing). No match, no alert: the worker is not a MAST user and their team has none.
A worker is alerted once per new involvement, never about their own agency's involvements, and never about a
person they muted. Each recipient gets one email per load, holding a link to the alerts page and nothing else.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mast.access.models import Role, User
from mast.alerts.models import Alert, AlertMute
from mast.feeds.models import Involvement, Load, PartnerRecord
from mast.gate.gate import Scope
from mast.identity.models import Person, PersonLink
from mast.notifications import send_message
from mast.notifications.messages import build
from mast.people.redaction import InvolvementLine, line

logger = logging.getLogger(__name__)

# The alerts page (web:alerts). Kept here as a path so this package does not import the web layer; a test
# checks that the URL configuration agrees.
ALERTS_PATH = "/alerts/"
CHUNK = 5000  # ids per query: well under SQLite's and PostgreSQL's limits on bound parameters


@dataclass(frozen=True)
class AlertsRaised:
    alerts: int = 0
    recipients: int = 0
    emails: int = 0


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _team_key(team: str) -> str:
    return " ".join((team or "").split()).casefold()


class _Directory:
    """The active practitioners of some agencies, by email and by team: who is the allocated worker."""

    def __init__(self, agency_ids: set[int]):
        self.by_email: dict[tuple[int, str], int] = {}
        self.by_team: dict[tuple[int, str], list[int]] = defaultdict(list)
        users = User.objects.filter(agency_id__in=agency_ids, is_active=True, role=Role.PRACTITIONER)
        for pk, agency_id, email, team in users.order_by("pk").values_list(
            "pk", "agency_id", "email", "team"
        ):
            if email:
                self.by_email.setdefault((agency_id, email.strip().casefold()), pk)
            if _team_key(team):
                self.by_team[(agency_id, _team_key(team))].append(pk)

    def workers(self, agency_id: int, contact_email: str, team: str) -> list[int]:
        email = (contact_email or "").strip().casefold()
        if email and (agency_id, email) in self.by_email:
            return [self.by_email[(agency_id, email)]]
        return list(self.by_team.get((agency_id, _team_key(team)), ()))


def raise_for_load(load: Load, *, today: date | None = None) -> AlertsRaised:
    """Alert the allocated workers of other agencies' open cases about the involvements this load brought.

    Called by ingest.intake after the load's records are matched to people. Safe to call twice."""
    if load.status != Load.Status.LOADED:
        return AlertsRaised()
    today = today or timezone.localdate()
    since = today - timedelta(days=settings.MAST_ALERT_RECENT_DAYS)
    new = list(
        Involvement.objects.filter(
            first_load=load,
            removed_at__isnull=True,
            start_date__gte=since,
            partner_record__link__isnull=False,
        ).values_list("pk", "partner_record__link__person_id", "source__agency_id")
    )
    if not new:
        return AlertsRaised()
    people = sorted({person_id for _, person_id, _ in new})
    open_cases: dict[int, list[tuple[int, int, str, str]]] = defaultdict(list)
    # The people's records first, then those records' involvements: asked as one join, SQLite started from
    # every open involvement in the region (its status index) — most of a push's time at a million.
    person_of: dict[int, int] = {}
    for chunk in _chunks(people):
        person_of.update(
            PersonLink.objects.filter(
                person_id__in=chunk, partner_record__removed_at__isnull=True
            ).values_list("partner_record_id", "person_id")
        )
    for chunk in _chunks(sorted(person_of)):
        # Open is checked here, not in SQL: SQLite, without statistics, prefers the status index (every
        # open involvement) to the records' index (a few rows).
        for record_id, status, *case in Involvement.objects.filter(
            partner_record_id__in=chunk, removed_at__isnull=True
        ).values_list("partner_record_id", "status", "pk", "source__agency_id", "contact_email", "team"):
            if status == Involvement.Status.OPEN:
                open_cases[person_of[record_id]].append(tuple(case))
    if not open_cases:
        return AlertsRaised()
    directory = _Directory({agency for cases in open_cases.values() for _, agency, _, _ in cases})
    muted: set[tuple[int, int]] = set()
    already: set[tuple[int, int]] = set()
    new_ids = [pk for pk, _, _ in new]
    for chunk in _chunks(people):
        muted.update(AlertMute.objects.filter(person_id__in=chunk).values_list("user_id", "person_id"))
    for chunk in _chunks(new_ids):
        already.update(
            Alert.objects.filter(new_involvement_id__in=chunk).values_list(
                "recipient_id", "new_involvement_id"
            )
        )
    alerts: dict[tuple[int, int], Alert] = {}
    for new_id, person_id, new_agency in new:
        # Cases are visited in id order so the same open case is named each time.
        for open_id, agency_id, contact_email, team in sorted(open_cases.get(person_id, ())):
            if agency_id == new_agency:
                continue
            for user_id in directory.workers(agency_id, contact_email, team):
                key = (user_id, new_id)
                if key in alerts or key in already or (user_id, person_id) in muted:
                    continue
                alerts[key] = Alert(
                    recipient_id=user_id,
                    person_id=person_id,
                    new_involvement_id=new_id,
                    open_involvement_id=open_id,
                    load=load,
                )
    if not alerts:
        return AlertsRaised()
    with transaction.atomic():
        Alert.objects.bulk_create(alerts.values(), batch_size=1000, ignore_conflicts=True)
    recipients = sorted({user_id for user_id, _ in alerts})
    emails = _email(recipients)
    logger.info("Load %s raised %d alerts for %d users", load.pk, len(alerts), len(recipients))
    return AlertsRaised(alerts=len(alerts), recipients=len(recipients), emails=emails)


def _email(user_ids: list[int]) -> int:
    """One email per recipient: a neutral line and a link to their alerts, nothing about the person."""
    message = build("alert", ALERTS_PATH)
    addresses = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    return send_message(list(addresses.values_list("email", flat=True)), message)


# -- what a user reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertLine:
    pk: int
    created_at: datetime
    read_at: datetime | None
    person_public_id: str
    # As the recipient's own agency records the person: the worker's own case, so nothing new is disclosed.
    name: str
    new: InvolvementLine
    open_case: InvolvementLine
    muted: bool

    @property
    def unread(self) -> bool:
        return self.read_at is None


@dataclass(frozen=True)
class MutedPerson:
    person_public_id: str
    name: str


def unread_alerts(user):
    """The alerts this user has not opened (None for a user who gets none): counted, never shown, outside the
    gate."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.PRACTITIONER:
        return None
    return Alert.objects.filter(recipient=user, read_at__isnull=True)


def _alerts_of(scope: Scope):
    return Alert.objects.filter(recipient_id=scope.user_id).select_related(
        "person",
        "new_involvement__source__agency",
        "open_involvement__source__agency",
        "open_involvement__partner_record",
    )


def _name(record: PartnerRecord) -> str:
    return " ".join(part for part in (record.given_name, record.family_name) if part)


def _line(scope: Scope, alert: Alert, muted: set[int]) -> AlertLine:
    person = alert.person.survivor()
    return AlertLine(
        pk=alert.pk,
        created_at=alert.created_at,
        read_at=alert.read_at,
        person_public_id=str(person.public_id),
        name=_name(alert.open_involvement.partner_record),
        new=line(scope, alert.new_involvement),
        open_case=line(scope, alert.open_involvement),
        muted=alert.person_id in muted or person.pk in muted,
    )


def _muted_ids(scope: Scope) -> set[int]:
    return set(AlertMute.objects.filter(user_id=scope.user_id).values_list("person_id", flat=True))


def alert_lines(scope: Scope, alerts) -> list[AlertLine]:
    """The lines for some of this user's alerts (a page of `alerts_for`)."""
    muted = _muted_ids(scope)
    return [_line(scope, alert, muted) for alert in alerts]


def alerts_for(scope: Scope):
    """This user's alerts, newest first: a queryset to paginate, then `alert_lines` for the page."""
    return _alerts_of(scope)


def open_alert(scope: Scope, pk: int) -> AlertLine | None:
    """One of this user's alerts, marked read as it is opened; None if it is not theirs or does not exist."""
    alert = _alerts_of(scope).filter(pk=pk).first()
    if alert is None:
        return None
    if alert.read_at is None:
        alert.read_at = timezone.now()
        Alert.objects.filter(pk=alert.pk, read_at__isnull=True).update(read_at=alert.read_at)
    return _line(scope, alert, _muted_ids(scope))


def muted_people(scope: Scope) -> list[MutedPerson]:
    """The people this user muted, named as in the latest alert about each."""
    mutes = AlertMute.objects.filter(user_id=scope.user_id).select_related("person").order_by("-created_at")
    people = []
    for mute in mutes:
        latest = _alerts_of(scope).filter(person=mute.person).first()
        name = _name(latest.open_involvement.partner_record) if latest else ""
        people.append(MutedPerson(str(mute.person.survivor().public_id), name))
    return people


def _alerted_person(scope: Scope, public_id) -> Person | None:
    """A person this user has been alerted about, as they are now (following merges); only those can be
    muted, so muting is no way to probe for other people."""
    alert = _alerts_of(scope).filter(person__public_id=public_id).first()
    if alert is not None:
        return alert.person.survivor()
    public_id = str(public_id)
    for alert in _alerts_of(scope).filter(person__status=Person.Status.MERGED).order_by():
        person = alert.person.survivor()
        if str(alert.person.public_id) == public_id or str(person.public_id) == public_id:
            return person
    return None


def set_muted(scope: Scope, public_id, muted: bool) -> bool:
    """Mute or unmute alerts about a person; False if this user was never alerted about them (muting) or had
    not muted them (unmuting)."""
    if muted:
        person = _alerted_person(scope, public_id)
        if person is None:
            return False
        AlertMute.objects.get_or_create(user_id=scope.user_id, person=person)
        return True
    mutes = [
        m.pk
        for m in AlertMute.objects.filter(user_id=scope.user_id).select_related("person")
        if str(m.person.survivor().public_id) == str(public_id) or str(m.person.public_id) == str(public_id)
    ]
    AlertMute.objects.filter(pk__in=mutes).delete()
    return bool(mutes)
