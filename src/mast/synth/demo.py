"""The demo: a synthetic Northshire loaded into MAST, with one demo user for each kind of person who uses it.

Every step is idempotent, so `make demo` can be run again and again without failing or duplicating data.
"""

import base64
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mast.access.models import Agency, AgencyKind, CaseReferenceShape, Role, User
from mast.config.paths import VAR_DIR
from mast.feeds.mapping import all_mappings
from mast.feeds.models import Involvement, Load, Source
from mast.feeds.services import source_for_mapping
from mast.governance.demo import ensure_demo_agreement
from mast.governance.models import SharingAgreement
from mast.identity.family import load_relationships
from mast.ingest.intake import ingest_file

# The demo password is public by design: the demo holds only synthetic data.
DEFAULT_PASSWORD = "northshire-demo-2026"  # noqa: S105

# Partners that use MAST but send no feed in the demo region.
EXTRA_AGENCIES = (
    ("northshire-schools", "Northshire Schools Safeguarding Service", AgencyKind.EDUCATION),
    ("northshire-probation", "Northshire Probation Delivery Unit", AgencyKind.PROBATION),
    ("northshire-homes", "Northshire Homes", AgencyKind.HOUSING),
    ("northshire-youth-justice", "Northshire Youth Justice Service", AgencyKind.OTHER),
    ("northshire-mast", "Northshire MAST Partnership", AgencyKind.OTHER),
)
# The shapes of case reference each kind of partner's systems issue (made up for the demo; each partnership
# configures its own), so a practitioner cannot state "x" as the case they are working on.
CASE_REFERENCE_SHAPES = {
    AgencyKind.POLICE: (
        ("Crime reference", r"CR/\d{6}/\d{2}", "CR/123456/26"),
        ("Incident log", r"POL-\d{4}-\d{4}", "POL-2026-0042"),
    ),
    AgencyKind.CHILDRENS_SOCIAL_CARE: (
        ("MASH contact number", r"MASH-\d{4}-\d{4}", "MASH-2026-0117"),
        ("Case number", r"CSC\d{6}", "CSC004512"),
    ),
    AgencyKind.ADULTS_SOCIAL_CARE: (("Safeguarding concern", r"ASC-\d{6}", "ASC-004512"),),
    AgencyKind.HEALTH: (("Safeguarding referral", r"SG\d{7}", "SG0004512"),),
    AgencyKind.FIRE: (("Incident number", r"FRS\d{6}", "FRS004512"),),
}
# The partnership body that runs MAST; the agreement names it as the host.
HOST_AGENCY = "northshire-mast"


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


def ensure_partners() -> list[Source]:
    """Agencies and sources: six from the feed mappings, the partners that only read, and their agreement."""
    sources = [source_for_mapping(m.name) for m in all_mappings()]
    for code, name, kind in EXTRA_AGENCIES:
        Agency.objects.update_or_create(code=code, defaults={"name": name, "kind": kind})
    ensure_agreement()
    ensure_case_reference_shapes()
    return sources


def ensure_case_reference_shapes() -> None:
    for agency in Agency.objects.all():
        for name, pattern, example in CASE_REFERENCE_SHAPES.get(agency.kind, ()):
            CaseReferenceShape.objects.update_or_create(
                agency=agency, name=name, defaults={"pattern": pattern, "example": example}
            )


def ensure_agreement() -> SharingAgreement:
    """The partnership's data-sharing agreement: each feed's agency shares the fields its mapping sends."""
    providers: dict[str, set[str]] = {}
    for mapping in all_mappings():
        providers.setdefault(mapping.agency.code, set()).update(mapping.columns)
    users = [code for code, _, _ in EXTRA_AGENCIES if code != HOST_AGENCY]
    return ensure_demo_agreement(providers, users, host=HOST_AGENCY)


def region_dir(people: int, seed: int, as_of: date) -> Path:
    return VAR_DIR / "demo" / f"region-{people}-seed{seed}-{as_of:%Y%m%d}"


def ensure_region(people: int, seed: int, as_of: date, stdout=None) -> Path:
    out = region_dir(people, seed, as_of)
    if not (out / "manifest.json").exists():
        call_command("synth", people=people, seed=seed, out=str(out), as_of=as_of.isoformat(), stdout=stdout)
    return out


def load_region(out: Path, sources: list[Source]) -> list[Load]:
    """Each partner's feed (matched as it loads), then the relationships files."""
    loads = [
        ingest_file(source, path).load
        for source in sources
        for path in sorted((out / "feeds" / source.code).glob("*"))
    ]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    by_code = {source.code: source for source in sources}
    for code, info in manifest.get("relationships", {}).items():
        loads.append(load_relationships(by_code[code], out / info["file"]))
    return loads


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
    return users + ensure_demo_approvers(password)


def ensure_demo_approvers(password: str) -> list[User]:
    """Each partner's data protection officer, an IG officer of that agency (usernames like `dpo.police`),
    named as its approver in the demo agreement; the partnership's own approver is `ig.officer`. A version an
    IG officer has drafted keeps whoever they named."""
    agreement = SharingAgreement.objects.filter(reference="NSP-ISA-001", version="1.0").first()
    if agreement is None:
        return []
    approvers = []
    for entry in agreement.partners.select_related("agency"):
        agency = entry.agency
        if agency.code == HOST_AGENCY:
            approver = User.objects.get(username="ig.officer")
        else:
            username = "dpo." + agency.code.removeprefix("northshire-")
            approver, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": "Dana",
                    "last_name": f"Protection ({agency.name.removeprefix('Northshire ')})",
                    "email": f"{username}@{agency.code}.example",
                    "agency": agency,
                    "role": Role.IG_OFFICER,
                    "job_title": "Data protection officer",
                    "is_active": True,
                },
            )
            approver.set_password(password)
            approver.save(update_fields=["password"])
            approvers.append(approver)
        if entry.approver_id is None:
            entry.approver = approver
            entry.save(update_fields=["approver"])
    return approvers


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


def ensure_demo_alerts(sources: list[Source]) -> int:
    """Alerts for the demo practitioners, raised by the alerts service from the loaded region.

    Each load raised its alerts as it ran, but the demo users did not exist yet, and a feed loaded early could
    not alert about the feeds loaded after it. So each practitioner of a feeding agency is put in the team
    holding most of their agency's open cases (if they have no team), and every load is offered to the alerts
    service again, as if the region had arrived one feed a day. Alerts are never raised twice, so this is safe
    to run again; their emails go wherever MAST_EMAIL_BACKEND sends them (var/mail/ under `make demo`).
    """
    from django.db.models import Count

    from mast.alerts.models import Alert
    from mast.alerts.services import raise_for_load
    from mast.feeds.models import Involvement

    agencies = {source.agency_id for source in sources}
    for user in User.objects.filter(role=Role.PRACTITIONER, agency_id__in=agencies, team=""):
        busiest = (
            Involvement.objects.filter(source__agency_id=user.agency_id, status=Involvement.Status.OPEN)
            .exclude(team="")
            .values("team")
            .annotate(cases=Count("pk"))
            .order_by("-cases", "team")
            .first()
        )
        if busiest:
            User.objects.filter(pk=user.pk).update(team=busiest["team"])
    for load in Load.objects.filter(source__in=sources, status=Load.Status.LOADED).order_by("pk"):
        raise_for_load(load)
    return Alert.objects.filter(recipient__username__in=[spec.username for spec in DEMO_USERS]).count()
