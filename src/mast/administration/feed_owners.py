"""Who owns each partner's feed: the people who upload its files, see its rejected rows, review its uncertain
matches and undo its loads. An owner is a feed owner of the same agency as the feed."""

from django.db import transaction

from mast.access.models import Role, User
from mast.administration.actor import Actor
from mast.feeds.models import Source


def candidates(source: Source):
    """Who may own the feed: its agency's active feed owners."""
    return User.objects.filter(agency=source.agency, role=Role.FEED_OWNER, is_active=True).order_by(
        "last_name", "first_name"
    )


@transaction.atomic
def set_owners(actor: Actor, source: Source, owners) -> dict:
    """Make `owners` (users from `candidates`) the feed's owners; what was added and removed."""
    current = set(source.owners.values_list("pk", flat=True))
    # Owners who have since left or changed role can be kept or removed, but nobody else can be added.
    allowed = set(candidates(source).values_list("pk", flat=True)) | current
    wanted = {u.pk for u in owners}
    if wanted - allowed:
        raise ValueError("A feed's owners are feed owners of the agency that sends it")
    added, removed = wanted - current, current - wanted
    source.owners.remove(*removed)
    source.owners.add(*added)
    change = {
        "added": sorted(User.objects.filter(pk__in=added).values_list("username", flat=True)),
        "removed": sorted(User.objects.filter(pk__in=removed).values_list("username", flat=True)),
    }
    if added or removed:
        actor.record("feed_owners_changed", f"source:{source.code}", **change)
    return change
