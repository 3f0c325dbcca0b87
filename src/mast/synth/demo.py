"""The demo: a synthetic Northshire loaded into MAST, with one demo user for each kind of person who uses it.

Every step is idempotent, so `make demo` can be run again and again without failing or duplicating data.
"""

import json
from datetime import date
from pathlib import Path

from django.core.management import call_command

from mast.access.models import Agency, AgencyKind, CaseReferenceShape, Role, User
from mast.config.paths import VAR_DIR
from mast.feeds.mapping import all_mappings
from mast.feeds.models import Involvement, Load, Source
from mast.feeds.services import source_for_mapping
from mast.governance.demo import ensure_demo_agreement
from mast.governance.models import SharingAgreement
from mast.identity.family import load_relationships
from mast.ingest.intake import ingest_file
from mast.synth.demo_users import DEMO_USERS

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
