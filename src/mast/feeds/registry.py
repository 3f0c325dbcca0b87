"""Sources come from mappings: registering a partner is writing its mapping (docs/feed-format.md).

On a fresh install nothing but the mapping files exists. `mast sources` lists them with the source each
has (or has not yet) in the database; `mast sources --sync`, and the first load of a mapping's source, create
the source and its agency from the mapping. Who owns a feed (sees its rejected rows, confirms held loads) is
not in the mapping, which is reviewed like code: an administrator assigns it, and the assignment is audited.
"""

from dataclasses import dataclass

from mast.access.models import Role
from mast.audit import chain
from mast.feeds.mapping import Mapping, MappingError, all_mappings
from mast.feeds.models import Load, Source
from mast.feeds.services import source_for_mapping


class NoSuchSource(LookupError):
    """Neither a source nor a mapping has this code; the message lists those that exist."""


@dataclass(frozen=True)
class Registered:
    mapping: Mapping
    source: Source | None
    last_load: Load | None


def registered() -> list[Registered]:
    """Every mapping, with its source if it has been created, and that source's latest load of records."""
    sources = {s.code: s for s in Source.objects.select_related("agency").prefetch_related("owners")}
    found = []
    for mapping in all_mappings():
        source = sources.get(mapping.source_code)
        last = (
            source.loads.filter(kind=Load.Kind.RECORDS).order_by("-pk").first()
            if source is not None
            else None
        )
        found.append(Registered(mapping, source, last))
    return found


def sync() -> list[Source]:
    """Create or update the source and agency of every mapping."""
    return [source_for_mapping(m.name) for m in all_mappings()]


def source_for_code(code: str) -> Source:
    """The source with this code, created from its mapping on first use."""
    source = Source.objects.filter(code=code).first()
    if source is not None:
        return source
    try:
        mappings = all_mappings()
    except MappingError as exc:
        raise NoSuchSource(str(exc)) from exc
    for mapping in mappings:
        if mapping.source_code == code:
            return source_for_mapping(mapping.name)
    known = ", ".join(sorted(m.source_code for m in mappings)) or "none"
    raise NoSuchSource(f"No source or mapping '{code}'. Mappings: {known}.")


def assign_owner(source: Source, user, *, by: str = "command line (mast sources --owner)") -> None:
    """Make `user` an owner of the feed. Only feed owners of the feed's own agency can be given one."""
    if user.role != Role.FEED_OWNER:
        raise ValueError(f"{user.username} is not a feed owner (their role is {user.get_role_display()}).")
    if user.agency_id != source.agency_id:
        raise ValueError(f"{user.username} does not work for {source.agency.name}.")
    source.owners.add(user)
    chain.append(
        user=None,
        action="assign_feed_owner",
        target=f"source:{source.code}",
        detail={"owner": user.username, "by": by},
    )
