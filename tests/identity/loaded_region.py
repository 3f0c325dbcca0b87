"""Removing a synthetic region a test module loaded and committed once (loading it per test would take
minutes): every identity row, then the partners' records, loads, sources and agencies, children before
parents. Shared by the search tests that load a whole region."""

from mast.access.models import Agency
from mast.feeds.models import Involvement, Load, PartnerRecord, RejectedRow, Source
from mast.identity.models import (
    Address,
    IdentityEvent,
    InvolvementAddress,
    MatchCandidate,
    Person,
    PersonLink,
    SearchKey,
)


def delete_everything_loaded(sources: list[Source]) -> None:
    for model in (SearchKey, InvolvementAddress, Address, MatchCandidate, IdentityEvent, PersonLink):
        model.objects.all().delete()
    Person.objects.update(merged_into=None)
    Person.objects.all().delete()
    Involvement.objects.filter(source__in=sources).delete()
    PartnerRecord.objects.filter(source__in=sources).delete()
    RejectedRow.objects.filter(load__source__in=sources).delete()
    Load.objects.filter(source__in=sources).delete()
    agencies = [s.agency_id for s in sources]
    Source.objects.filter(pk__in=[s.pk for s in sources]).delete()
    Agency.objects.filter(pk__in=agencies).delete()
