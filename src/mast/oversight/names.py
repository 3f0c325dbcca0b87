"""People as an IG officer's pages name them: by the name on their most recently updated record."""

from dataclasses import dataclass

from mast.feeds.models import PartnerRecord


@dataclass(frozen=True)
class PersonLine:
    public_id: str
    name: str


def people_named(public_ids: list[str]) -> list[PersonLine]:
    names: dict[str, str] = {}
    for pid, given, family in (
        PartnerRecord.objects.filter(link__person__public_id__in=public_ids)
        .order_by("-updated_at")
        .values_list("link__person__public_id", "given_name", "family_name")
    ):
        names.setdefault(str(pid), f"{given} {family}".strip())
    return [PersonLine(pid, names.get(pid, "(not held now)")) for pid in public_ids]
