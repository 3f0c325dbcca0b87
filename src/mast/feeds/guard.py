"""The accidental-removal guard: a snapshot that would change too much is held, not applied.

A partial export, a wrong file or one broken column looks, to a loader, exactly like a partner closing most of
its cases; the difference is only obvious to a person who knows the feed. So, as directory-sync tools do with
"prevent accidental deletes", a load that would remove more than the source's guard allows (a share of the
feed's current involvements, or a number), or that rejects more than a share of its rows, is held: nothing of
it is applied, and its feed owner is shown what it would do and either confirms it or sends a corrected file.
The thresholds are per source, in its mapping's `[guard]` table (feeds/mapping.py has the defaults).
"""

from mast.audit import chain
from mast.canonical import CATEGORIES
from mast.feeds.mapping import Guard
from mast.feeds.models import Involvement, Load
from mast.feeds.plan import LoadPlan
from mast.feeds.validation import Rejection

EXAMPLES = 5


def _percent(share: float) -> str:
    return f"{share * 100:.3g} %"


def reasons_to_hold(guard: Guard, plan: LoadPlan, rows_read: int, rejected: int) -> list[str]:
    """Why this load should be held, in words for its feed owner; empty when it may be applied."""
    reasons = []
    removed, current = len(plan.removed_involvements), plan.current_involvements
    if current and removed > guard.max_removed_share * current:
        reasons.append(
            f"It would remove {removed:,} of the feed's {current:,} involvements "
            f"({_percent(removed / current)}); "
            f"this feed holds a file that removes more than {_percent(guard.max_removed_share)}."
        )
    if removed > guard.max_removed:
        reasons.append(
            f"It would remove {removed:,} involvements; this feed holds a file that removes more than "
            f"{guard.max_removed:,}."
        )
    if rows_read and rejected > guard.max_rejected_share * rows_read:
        reasons.append(
            f"{rejected:,} of its {rows_read:,} rows were rejected ({_percent(rejected / rows_read)}); "
            f"this feed holds a file with more than {_percent(guard.max_rejected_share)} rejected."
        )
    return reasons


def _example(record_id: str, person_ref: str, category: str, start, status: str) -> dict[str, str]:
    return {
        "record_id": record_id,
        "person_ref": person_ref,
        "category": CATEGORIES.get(category, category),
        "start_date": start.isoformat() if start else "",
        "status": status,
    }


def preview(plan: LoadPlan, rejected: int, rejection_examples: list[Rejection], reasons: list[str]) -> dict:
    """What the held load would do: counts, and a few examples of each kind, for the feed owner's page."""
    removed = (
        Involvement.objects.filter(pk__in=plan.removed_involvements[:EXAMPLES])
        .order_by("record_id")
        .values_list("record_id", "partner_record__person_ref", "category", "start_date", "status")
    )
    return {
        "reasons": reasons,
        "counts": {
            "current": plan.current_involvements,
            "new": plan.new_involvements,
            "changed": plan.changed_involvements,
            "removed": len(plan.removed_involvements),
            "rejected": rejected,
            "kept": len(plan.kept_involvements),
        },
        "examples": {
            "new": [_example(*values) for values in plan.examples["new"][:EXAMPLES]],
            "changed": [_example(*values) for values in plan.examples["changed"][:EXAMPLES]],
            "removed": [_example(*values) for values in removed],
            "rejected": [
                {"line_number": r.line_number, "record_id": r.record_id, "reason": r.reason}
                for r in rejection_examples[:EXAMPLES]
            ],
        },
    }


def can_apply(load: Load) -> str:
    """Why this held load can no longer be applied ("" when it can): a later file has already been loaded,
    and applying an older snapshot over it would undo the partner's newer data."""
    if load.status != Load.Status.HELD:
        return "Only a held load can be applied."
    later = Load.objects.filter(
        source=load.source,
        kind=Load.Kind.RECORDS,
        pk__gt=load.pk,
        status__in=(Load.Status.LOADED, Load.Status.RUNNING),
    ).exists()
    if later:
        return "A later file from this feed has been loaded since; send a new file instead."
    return ""


def record_confirmation(load: Load, user, ip_address: str | None) -> None:
    """Audit the feed owner's confirmation as they give it; applying the load is audited again when done."""
    chain.append(
        user=user,
        action="confirm_held_feed_load",
        target=f"load:{load.pk}",
        detail={"source": load.source.code, **load.preview.get("counts", {})},
        purpose_code="data_quality",
        ip_address=ip_address,
    )
