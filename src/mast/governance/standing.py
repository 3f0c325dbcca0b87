"""Whether the agreement lets an agency use MAST today: search and look (practitioners, the partner API's
questions) and send data (file loads, the partner API's pushes).

An installation where no version has ever been approved runs on MAST's defaults, as before the partnership
recorded its agreement (docs/decisions/0028). Once one has been, the agreement governs:

- no version in force (the last one ended, or the next is still waiting for approval): nobody searches
  or sends;
- an agency not a party to the version in force, or whose participation ended before today: it neither
  searches nor sends;
- a partner that only uses MAST, or hosts it, sends nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from mast.governance.models import AgreementPartner, SharingAgreement
from mast.governance.services import current_agreement
from mast.request_memo import once
from mast.wording import possessive


@dataclass(frozen=True)
class Standing:
    allowed: bool
    why: str = ""
    # Whom to ask, from the agreement in force or, with none, the latest approved version.
    contact_name: str = ""
    contact_email: str = ""
    lapsed: bool = False  # no version in force at all, for everyone


ALLOWED = Standing(True)


def _latest_approved() -> SharingAgreement | None:
    return once(
        "latest approved agreement",
        lambda: (
            SharingAgreement.objects.filter(status=SharingAgreement.Status.APPROVED)
            .order_by("-start_date", "-pk")
            .first()
        ),
    )


def _refused(agreement: SharingAgreement, why: str, lapsed: bool = False) -> Standing:
    return Standing(False, why, agreement.contact_name, agreement.contact_email, lapsed)


def standing(agency, *, sending: bool = False, today: date | None = None) -> Standing:
    """May `agency` search (or, with `sending`, send data) under the agreement today?"""
    today = today or timezone.localdate()
    agreement = current_agreement(today)
    if agreement is None:
        latest = _latest_approved()
        if latest is None:
            return ALLOWED
        if latest.start_date > today:
            why = (
                f"The data-sharing agreement ({latest.reference} version {latest.version}) does not come "
                "into "
                f"force until {latest.start_date:%-d %B %Y}."
            )
        else:
            why = (
                f"The data-sharing agreement ({latest.reference} version {latest.version}) ended on "
                f"{latest.end_date:%-d %B %Y} and no later version has been approved by every partner."
            )
        return _refused(latest, why, lapsed=True)
    label = f"{agreement.reference} version {agreement.version}"
    entry = once(
        ("agreement partner", agreement.pk, getattr(agency, "pk", agency)),
        lambda: AgreementPartner.objects.filter(agreement=agreement, agency=agency).first(),
    )
    name = getattr(agency, "name", "Your agency")
    if entry is None:
        return _refused(agreement, f"{name} is not a party to the data-sharing agreement in force ({label}).")
    if entry.participation_ends is not None and entry.participation_ends < today:
        return _refused(
            agreement,
            f"{possessive(name)} participation in the data-sharing agreement ended on "
            f"{entry.participation_ends:%-d %B %Y}.",
        )
    if sending and entry.role != AgreementPartner.Role.PROVIDER_AND_USER:
        return _refused(agreement, f"Under {label}, {name} uses MAST but does not share data.")
    return ALLOWED
