"""The misuse rules: each looks at one committed audit event and says whether it, with the user's recent use,
is something an IG officer should see. Misuse of police and health systems is mostly curiosity about family,
neighbours, colleagues and famous people, and quiet harvesting; each rule is aimed at one of those.

Every threshold is a setting (docs/audit-and-oversight.md). A rule that fires raises (or adds to) an
oversight alert for the IG officers of the user's agency, or of the agency whose restricted record was seen.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min
from django.db.models.functions import Substr, TruncHour
from django.utils import timezone

from mast.access.models import User
from mast.alerts.models import Alert
from mast.audit.models import AuditEvent
from mast.feeds.models import PartnerRecord
from mast.identity.matching.names import normalise_name
from mast.identity.matching.postcodes import normalise_postcode
from mast.oversight.alerts import raise_alert
from mast.oversight.hours import hours_of, working_at
from mast.oversight.models import OversightAlert, Shown, UserProfile, WatchedPerson
from mast.request_memo import once
from mast.requests.models import Request, RequestEvent

Rule = OversightAlert.Rule
How = Shown.How
LOOKS = ("view_person", "print_person", "view_address", "break_glass")
PRACTICE = (*LOOKS, "search_people", "send_referral", "send_request")
SEEN = (How.VIEWED, How.PRINTED, How.BROKE_GLASS, How.SEARCH_RESULT, How.AT_ADDRESS, How.FAMILY)
# What shows a person or address to a user, so that opening it next is following a lead, not walking ids.
LEADS = (How.SEARCH_RESULT, How.AT_ADDRESS, How.FAMILY, How.ADDRESS_LISTED)
LEAD_HOURS = 8
BASELINE_DAYS = 28


@dataclass
class Finding:
    rule: str
    summary: str
    agency_id: int
    people: list[str] = field(default_factory=list)
    # Per person (a watched person, a colleague) or per stretch of use (volume, hours): alerts.raise_alert.
    per_person: bool = False


def check(event: AuditEvent) -> list[OversightAlert]:
    """The rules' alerts for one committed event."""
    if event.user is None or event.action not in PRACTICE:
        return []
    user = event.user
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(event, user))
    return [raise_alert(finding, event) for finding in findings]


def _person_of(event: AuditEvent) -> str | None:
    if event.action in ("view_person", "print_person", "break_glass", "send_referral", "send_request"):
        return event.target.split(":", 1)[1] if event.target.startswith("person:") else None
    return None


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _profile(user: User) -> UserProfile | None:
    # Several rules ask; read once for the request (mast.request_memo).
    return once(("oversight profile", user.pk), lambda: UserProfile.objects.filter(user=user).first())


# -- harvesting ----------------------------------------------------------------------------------------------


def _people_per_hour(users, since, until) -> list[int]:
    return [
        row["n"]
        for row in Shown.objects.filter(user__in=users, at__gte=since, at__lt=until, how__in=SEEN)
        .annotate(hour=_hour())
        .values("user", "hour")
        .annotate(n=Count("subject", distinct=True))
    ]


def _hour():
    """The hour a moment falls in, for counting by the hour. SQLite has no time zones and Django truncates its
    timestamps in Python, row by row: for a busy practitioner's four weeks (thousands of rows), most of
    the cost of every search and person page once they passed the floor. Its stored text (UTC) cut at the
    hour counts the same hours, since the UK is a whole number of hours from UTC."""
    if connection.vendor == "sqlite":
        return Substr("at", 1, 13)
    return TruncHour("at")


def volume(event: AuditEvent, user: User) -> list[Finding]:
    """More people seen in the last hour than the larger of the floor and FACTOR times the user's, and their
    team's, usual busy hour (the median of their hours with any use in the last 28 days)."""
    if event.action not in ("search_people", "view_address", *LOOKS):
        return []
    hour_ago = event.at - timedelta(hours=1)
    seen = (
        Shown.objects.filter(user=user, at__gt=hour_ago, at__lte=event.at, how__in=SEEN)
        .values("subject")
        .distinct()
        .count()
    )
    floor = settings.MAST_OVERSIGHT_VOLUME_FLOOR
    if seen <= floor:
        return []
    since = event.at - timedelta(days=BASELINE_DAYS)
    own = _people_per_hour([user.pk], since, hour_ago)
    team = (
        User.objects.filter(agency_id=user.agency_id, team=user.team).exclude(pk=user.pk) if user.team else []
    )
    theirs = _people_per_hour(list(team.values_list("pk", flat=True)), since, hour_ago) if user.team else []
    usual = max(median(own) if own else 0, median(theirs) if theirs else 0)
    limit = max(floor, settings.MAST_OVERSIGHT_VOLUME_FACTOR * usual)
    if seen <= limit:
        return []
    return [
        Finding(
            Rule.VOLUME,
            f"{_name(user)} was shown {seen:,} people in the last hour; their usual "
            f"busy hour is {usual:,.0f} and their team's {median(theirs) if theirs else 0:,.0f} "
            f"(alert above {limit:,.0f}).",
            user.agency_id,
        )
    ]


def unsearched(event: AuditEvent, user: User) -> list[Finding]:
    """People or addresses opened without a search, address page or family link having shown them to this user
    in the last hours: ids typed or walked rather than found. Alerts and requests about a person lead too."""
    if event.action not in ("view_person", "view_address"):
        return []
    hour_ago = event.at - timedelta(hours=1)
    opened = list(
        Shown.objects.filter(
            user=user, at__gt=hour_ago, at__lte=event.at, how__in=(How.VIEWED, How.ADDRESS_VIEWED)
        ).values_list("subject", "at")
    )
    if len({subject for subject, _ in opened}) < settings.MAST_OVERSIGHT_UNSEARCHED_LIMIT:
        return []
    led = _led_to(user, opened)
    without = [subject for subject, at in opened if not led(subject, at)]
    if len(set(without)) < settings.MAST_OVERSIGHT_UNSEARCHED_LIMIT:
        return []
    return [
        Finding(
            Rule.UNSEARCHED,
            f"{_name(user)} opened {len(set(without)):,} people or addresses in the last hour that "
            "no search, address page or family link had shown them.",
            user.agency_id,
            people=[str(s) for s in dict.fromkeys(without)],
        )
    ]


def _led_to(user: User, opened: list[tuple]) -> Callable[[object, datetime], bool]:
    """Whether something had shown each opened subject to the user before they opened it — read in two
    queries for all of the last hour's openings (it was three queries for each opening: a practitioner's
    hundredth person page of the hour made three hundred)."""
    subjects = {subject for subject, _ in opened}
    earliest = min(at for _, at in opened) - timedelta(hours=LEAD_HOURS)
    shown_at: dict = defaultdict(list)
    for subject, at in Shown.objects.filter(
        user=user, subject__in=subjects, how__in=LEADS, at__gte=earliest, at__lte=max(at for _, at in opened)
    ).values_list("subject", "at"):
        shown_at[subject].append(at)
    # An alert to the user or a request to their agency about the subject: one statement for both (ADR 0037).
    always = set(
        Alert.objects.filter(recipient=user, person__public_id__in=subjects)
        .order_by()  # a compound statement's parts take no ORDER BY of their own
        .values_list("person__public_id", flat=True)
        .union(
            Request.objects.filter(person__public_id__in=subjects, to_agency_id=user.agency_id)
            .order_by()
            .values_list("person__public_id", flat=True)
        )
    )

    def led(subject, at: datetime) -> bool:
        return subject in always or any(
            at - timedelta(hours=LEAD_HOURS) <= lead <= at for lead in shown_at.get(subject, ())
        )

    return led


def no_later_action(event: AuditEvent, user: User) -> list[Finding]:
    """Many people looked at with nothing done after: no request or referral sent about them, and no note
    written on a request about them, by this user. Looks from the day before the last GRACE hours count, so
    that a practitioner has had time to act; a MASH worker who finds most people "not known" looks at far
    fewer than the limit in a day."""
    if event.action not in ("view_person", "print_person", "break_glass"):
        return []
    until = event.at - timedelta(hours=settings.MAST_OVERSIGHT_NO_ACTION_GRACE_HOURS)
    since = until - timedelta(hours=24)
    limit = settings.MAST_OVERSIGHT_NO_ACTION_LIMIT
    viewed = dict(
        Shown.objects.filter(
            user=user, at__gte=since, at__lte=until, how__in=(How.VIEWED, How.PRINTED, How.BROKE_GLASS)
        )
        .values_list("subject")
        .annotate(first=Min("at"))
    )
    if len(viewed) < limit:
        return []
    acted = set(
        Request.objects.filter(from_user=user, person__public_id__in=viewed, sent_at__gte=since).values_list(
            "person__public_id", flat=True
        )
    )
    acted.update(
        RequestEvent.objects.filter(user=user, request__person__public_id__in=viewed, at__gte=since)
        .exclude(note="")
        .values_list("request__person__public_id", flat=True)
    )
    idle = [subject for subject in viewed if subject not in acted]
    if len(idle) < limit:
        return []
    local = timezone.localtime(until)
    return [
        Finding(
            Rule.NO_ACTION,
            f"{_name(user)} looked at {len(idle):,} people in the 24 hours before {local:%H:%M on %-d %B} "
            "and sent no request or referral, and wrote no note, about any of them.",
            user.agency_id,
            people=[str(subject) for subject in idle],
        )
    ]


# -- curiosity -----------------------------------------------------------------------------------------------


def _homes_of(person_id: str) -> list[tuple[str, str, str]]:
    """(family name, postcode, first line) of each of the person's partner records, standardised."""
    return once(("homes of", person_id), lambda: _read_homes_of(person_id))


def _read_homes_of(person_id: str) -> list[tuple[str, str, str]]:
    return [
        (normalise_name(family), normalise_postcode(postcode or ""), normalise_name(line_1 or ""))
        for family, postcode, line_1 in PartnerRecord.objects.filter(
            link__person__public_id=person_id, removed_at__isnull=True
        ).values_list("family_name", "postcode", "address_line_1")
    ]


def own_family(event: AuditEvent, user: User) -> list[Finding]:
    """A search for, or a look at, someone with the user's own surname at the user's own postcode."""
    profile = _profile(user)
    if profile is None or not profile.home_postcode:
        return []
    surname, home = normalise_name(user.last_name), normalise_postcode(profile.home_postcode)
    who = _name(user)
    if event.action == "search_people":
        terms = (event.detail or {}).get("terms") or {}
        if normalise_name(terms.get("family_name", "")) == surname and (
            normalise_postcode(terms.get("postcode", "")) == home
        ):
            return [
                Finding(
                    Rule.OWN_FAMILY,
                    f"{who} searched for their own surname at their own postcode.",
                    user.agency_id,
                )
            ]
        return []
    person = _person_of(event)
    if person and any(f == surname and p == home for f, p, _ in _homes_of(person)):
        return [
            Finding(
                Rule.OWN_FAMILY,
                f"{who} looked at someone with their own surname at their own postcode.",
                user.agency_id,
                people=[person],
                per_person=True,
            )
        ]
    return []


def mast_user(event: AuditEvent, user: User) -> list[Finding]:
    """A look at someone who lives at another MAST user's home (the user themselves, or their household)."""
    person = _person_of(event)
    if not person:
        return []
    homes = _homes_of(person)
    postcodes = {p for _, p, _ in homes if p}
    if not postcodes:
        return []
    # Home postcodes are stored standardised (UserProfile.save), as `homes` gives them: compared as they are.
    colleagues = (
        UserProfile.objects.filter(home_postcode__in=sorted(postcodes))
        .exclude(user=user)
        .select_related("user")
    )
    for profile in colleagues:
        line = normalise_name(profile.home_line_1)
        surname = normalise_name(profile.user.last_name)
        if any(
            p == profile.home_postcode and ((line and first == line) or f == surname) for f, p, first in homes
        ):
            colleague = profile.user
            return [
                Finding(
                    Rule.MAST_USER,
                    f"{_name(user)} looked at someone at the home of a MAST user, "
                    f"{colleague.get_full_name() or colleague.username} ({colleague.agency}).",
                    user.agency_id,
                    people=[person],
                    per_person=True,
                )
            ]
    return []


def watched(event: AuditEvent, user: User) -> list[Finding]:
    person = _person_of(event)
    entry = WatchedPerson.objects.filter(person=person).first() if person else None
    if entry is None:
        return []
    return [
        Finding(
            Rule.WATCHED,
            f"{_name(user)} looked at a watched person ({entry.get_reason_display().lower()}).",
            user.agency_id,
            people=[person],
            per_person=True,
        )
    ]


def _restricting_agencies(person: str, user: User) -> set[int]:
    """The agencies other than the user's own that restricted a record of this person."""
    return set(
        PartnerRecord.objects.filter(
            link__person__public_id=person, removed_at__isnull=True, involvements__restricted=True
        )
        .exclude(source__agency_id=user.agency_id)
        .values_list("source__agency_id", flat=True)
    )


def restricted(event: AuditEvent, user: User) -> list[Finding]:
    """A look at a person another agency has restricted a record of: that agency's IG officers are told.
    (Breaking the glass to read the details is `broke_glass`'s.)"""
    person = _person_of(event)
    if not person or event.action not in LOOKS or event.action == "break_glass":
        return []
    owners = _restricting_agencies(person, user)
    return [
        Finding(
            Rule.RESTRICTED,
            f"{_name(user)} ({user.agency}) looked at a person your agency has "
            "restricted a record of. Its details were not shown to them.",
            agency_id,
            people=[person],
            per_person=True,
        )
        for agency_id in sorted(owners)
    ]


def broke_glass(event: AuditEvent, user: User) -> list[Finding]:
    """Every break glass, always: the owning agency's IG officers read the reason given and judge it. The
    summary quotes the reason because that is what they must judge; the email names no one."""
    person = _person_of(event)
    if event.action != "break_glass" or not person:
        return []
    reason = (event.detail or {}).get("reason", "")
    case = event.purpose_reference or "(none given)"
    return [
        Finding(
            Rule.BROKE_GLASS,
            f"{_name(user)} ({user.agency}) broke the glass and read the details of a record your agency "
            f'restricted, for case {case}, giving the reason: "{reason}".',
            agency_id,
            people=[person],
            per_person=True,
        )
        for agency_id in sorted(_restricting_agencies(person, user))
    ]


def out_of_hours(event: AuditEvent, user: User) -> list[Finding]:
    if event.action not in LOOKS:
        return []
    start, end, weekends = hours_of(user, _profile(user))
    local = timezone.localtime(event.at)
    if working_at(local, start, end, weekends):
        return []
    return [
        Finding(
            Rule.OUT_OF_HOURS,
            f"{_name(user)} looked at records at {local:%H:%M} on {local:%A %-d %B}, outside their working "
            f"hours ({start:%H:%M} to {end:%H:%M}{', weekends too' if weekends else ', weekdays'}).",
            user.agency_id,
            people=[p for p in [_person_of(event)] if p],
        )
    ]


RULES = (
    volume,
    unsearched,
    no_later_action,
    own_family,
    mast_user,
    watched,
    restricted,
    broke_glass,
    out_of_hours,
)
