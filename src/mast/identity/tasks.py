"""Background tasks (django-tasks): reviewers' decisions applied off the web request."""

from django_tasks import task


@task()
def rematch(record_ids: list[int], event_id: int | None = None) -> list[int]:
    """Re-run matching for the records a reviewer's decision, an undo or an unlinking touched
    (identity.review_changes); the records' people afterwards."""
    from mast.identity.review_changes import rematch as run

    return run(record_ids, event_id)
