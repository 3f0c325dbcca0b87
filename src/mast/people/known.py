"""What a partner system is told about a person it asked about (api/match.py): their involvements in the
display window, each as the asking agency may see it — a restricted record of another agency only says who
to contact."""

from mast.feeds.models import Involvement
from mast.gate.gate import Scope
from mast.people.redaction import InvolvementLine, in_window, line


def involvements_of(scope: Scope, person_id: int) -> list[InvolvementLine]:
    """Open involvements first, then the most recent."""
    involvements = (
        Involvement.objects.filter(partner_record__link__person_id=person_id, removed_at__isnull=True)
        .select_related("source__agency")
        .order_by("-start_date", "pk")
    )
    shown = [line(scope, i) for i in involvements if in_window(scope, i)]
    return sorted(shown, key=lambda item: not item.is_open)
