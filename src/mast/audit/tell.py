"""Emailing each checkpoint's head to the IG officers: a second copy of what was signed, in mailboxes the
database's users do not control, so a checkpoint directory wiped along with the log's tail still leaves a
record that the log once reached further."""

from mast.access.models import Role, User
from mast.audit.checkpoint import Checkpoint
from mast.notifications.services import send

SUBJECT = "MAST: audit log checkpoint"


def tell_ig_officers(checkpoint: Checkpoint) -> int:
    to = list(
        User.objects.filter(role=Role.IG_OFFICER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    # The head's position and hash say nothing about anyone; they are what an IG officer compares with
    # `mast audit_verify`'s output if the log is ever in doubt. Keep this email.
    body = (
        f"MAST's audit log reached event {checkpoint.sequence:,} at {checkpoint.written_at} (UTC).\n"
        f"That event's hash: {checkpoint.hash}\n\n"
        "Keep this email: if the audit log is ever in doubt, `mast audit_verify` must report an event with "
        "this position and hash. This email holds no personal information."
    )
    return send(to, SUBJECT, body, kind="audit_checkpoint")
