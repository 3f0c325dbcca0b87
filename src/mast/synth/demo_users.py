"""The demo's people, all synthetic: one demo user for each kind of person who uses MAST, the allocated
workers children's social care names, their public password and the one authenticator secret they share."""

import base64
import os
from dataclasses import dataclass

from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mast.access.models import Agency, AgencyKind, BreakGlassGrant, Role, User
from mast.feeds.models import Involvement, Source

# The demo password is public by design: the demo holds only synthetic data.
DEFAULT_PASSWORD = "northshire-demo-2026"  # noqa: S105


# Partners that use MAST but send no feed in the demo region.
@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    agency_kind: str
    agency_code: str | None = None
    job_title: str = ""
    owns_source_of_agency: bool = False


DEMO_USERS = (
    DemoUser(
        "police.officer",
        "Priya",
        "Constable",
        Role.PRACTITIONER,
        AgencyKind.POLICE,
        job_title="Police constable, MASH",
    ),
    DemoUser(
        "mash.worker",
        "Morgan",
        "Front",
        Role.PRACTITIONER,
        AgencyKind.CHILDRENS_SOCIAL_CARE,
        job_title="MASH social worker",
    ),
    DemoUser(
        "adults.worker",
        "Alex",
        "Carer",
        Role.PRACTITIONER,
        AgencyKind.ADULTS_SOCIAL_CARE,
        job_title="Adult safeguarding practitioner",
    ),
    DemoUser(
        "health.lead",
        "Hana",
        "Visitor",
        Role.PRACTITIONER,
        AgencyKind.HEALTH,
        agency_code="northshire-community-health",
        job_title="Named nurse for safeguarding",
    ),
    DemoUser(
        "fire.officer",
        "Finn",
        "Watch",
        Role.PRACTITIONER,
        AgencyKind.FIRE,
        job_title="Fire safeguarding officer",
    ),
    DemoUser(
        "school.lead",
        "Sam",
        "Teacher",
        Role.PRACTITIONER,
        AgencyKind.EDUCATION,
        job_title="Designated safeguarding lead",
    ),
    DemoUser(
        "probation.officer",
        "Pat",
        "Officer",
        Role.PRACTITIONER,
        AgencyKind.PROBATION,
        job_title="Probation practitioner",
    ),
    DemoUser(
        "housing.officer",
        "Harper",
        "Tenancy",
        Role.PRACTITIONER,
        AgencyKind.HOUSING,
        job_title="Tenancy sustainment officer",
    ),
    DemoUser(
        "youth.worker",
        "Jordan",
        "Justice",
        Role.PRACTITIONER,
        AgencyKind.OTHER,
        agency_code="northshire-youth-justice",
        job_title="Youth justice worker",
    ),
    DemoUser(
        "feed.owner",
        "Fran",
        "Feeds",
        Role.FEED_OWNER,
        AgencyKind.CHILDRENS_SOCIAL_CARE,
        job_title="Information systems lead",
        owns_source_of_agency=True,
    ),
    DemoUser(
        "ig.officer",
        "Isla",
        "Governance",
        Role.IG_OFFICER,
        AgencyKind.OTHER,
        agency_code="northshire-mast",
        job_title="Data protection officer",
    ),
    DemoUser(
        "admin",
        "Ada",
        "Admin",
        Role.ADMINISTRATOR,
        AgencyKind.OTHER,
        agency_code="northshire-mast",
        job_title="MAST administrator",
    ),
    DemoUser(
        "analyst",
        "Ana",
        "Lytics",
        Role.ANALYST,
        AgencyKind.OTHER,
        agency_code="northshire-mast",
        job_title="Partnership analyst",
    ),
)


def demo_password() -> str:
    return os.environ.get("MAST_DEMO_PASSWORD", DEFAULT_PASSWORD)


# Every demo user's authenticator app has this secret (base32, as apps take it), so one entry in an app, or
# `mast demo_code`, signs in as any of them. MAST_DEMO_TOTP_SECRET changes it. Demo only: real users each set
# up their own app at their first sign-in.
DEFAULT_TOTP_SECRET = "NORTHSHIREMASTDEMOSYNTHETICDATA2"  # noqa: S105 (the demo's, documented in the README)


def demo_totp_secret() -> str:
    return os.environ.get("MAST_DEMO_TOTP_SECRET", DEFAULT_TOTP_SECRET).replace(" ", "").upper()


def demo_totp_uri() -> str:
    return f"otpauth://totp/MAST%20demo?secret={demo_totp_secret()}&issuer=MAST%20demo&digits=6&period=30"


def current_demo_code() -> str:
    return f"{totp(base64.b32decode(demo_totp_secret())):06d}"


@transaction.atomic
def ensure_demo_second_factors(users: list[User]) -> None:
    """Give each demo user the demo authenticator app (replacing any other they set up)."""
    key = base64.b32decode(demo_totp_secret()).hex()
    for user in users:
        TOTPDevice.objects.filter(user=user).exclude(name=DEMO_DEVICE).delete()
        TOTPDevice.objects.update_or_create(
            user=user, name=DEMO_DEVICE, defaults={"key": key, "confirmed": True, "last_t": -1}
        )


DEMO_DEVICE = "Demo authenticator"


def _agency_for(user: DemoUser) -> Agency:
    if user.agency_code:
        return Agency.objects.get(code=user.agency_code)
    return Agency.objects.filter(kind=user.agency_kind).order_by("code").first()


@transaction.atomic
def ensure_demo_users(password: str) -> list[User]:
    users = []
    for spec in DEMO_USERS:
        agency = _agency_for(spec)
        user, _ = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@{agency.code}.example",
                "agency": agency,
                "role": spec.role,
                "job_title": spec.job_title,
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        if spec.owns_source_of_agency:
            for source in Source.objects.filter(agency=agency):
                source.owners.add(user)
        users.append(user)
    _name_for_break_glass(users)
    return users


# The demo's one practitioner named for break glass (the MASH social worker covers out-of-hours decisions);
# every other practitioner is refused it, as most would be.
BREAK_GLASS_USERNAME = "mash.worker"


def _name_for_break_glass(users: list[User]) -> None:
    named = next(u for u in users if u.username == BREAK_GLASS_USERNAME)
    admin = next(u for u in users if u.role == Role.ADMINISTRATOR)
    if not BreakGlassGrant.objects.filter(user=named, withdrawn_at__isnull=True).exists():
        BreakGlassGrant.objects.create(
            user=named, why="Covers the emergency duty team's out-of-hours decisions", granted_by=admin
        )


@transaction.atomic
def ensure_allocated_workers(password: str) -> list[User]:
    """MAST accounts for the allocated workers children's social care names on its open cases, as a partner
    whose staff use MAST would have: a referral about one of their cases is then assigned and emailed to them
    (requests.routing), and signing in as one shows it first. Usernames are the local part of the email the
    feed gives; workers of the other partners stay without accounts, so their referrals go to team inboxes."""
    agency = Agency.objects.filter(kind=AgencyKind.CHILDRENS_SOCIAL_CARE).order_by("code").first()
    if agency is None:
        return []
    named = (
        Involvement.objects.filter(
            source__agency=agency, status=Involvement.Status.OPEN, removed_at__isnull=True
        )
        .exclude(contact_email="")
        .exclude(lead_practitioner="")
        .values_list("lead_practitioner", "contact_email", "team")
        .distinct()
    )
    users = []
    for name, email, team in sorted(set(named)):
        given, _, family = name.partition(" ")
        username = email.split("@")[0][:150]
        if User.objects.filter(username=username).exclude(email__iexact=email).exists():
            continue  # a namesake's account already has the username: leave both alone
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": given,
                "last_name": family,
                "email": email,
                "agency": agency,
                "role": Role.PRACTITIONER,
                "team": team,
                "job_title": "Social worker",
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        users.append(user)
    return users
