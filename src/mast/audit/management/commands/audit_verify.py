"""`mast audit_verify`: check the audit log's hash chain from the first event to the last, and against the
signed checkpoints kept outside the database (so deleting the newest events, or rewriting the chain,
shows)."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from mast.audit.chain import verify
from mast.audit.checkpoint import CheckpointProblem, read_all, verify_against_checkpoints
from mast.audit.grants import current_role, rights_of
from mast.audit.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Check that no audit event was changed, removed or reordered, against the chain and the latest "
        "signed checkpoint (exit status 1 if any was)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-checkpoints",
            action="store_true",
            help="check the chain only (when the checkpoint key or directory is not at hand); the newest "
            "events' deletion cannot then be detected",
        )

    def handle(self, *args, without_checkpoints: bool = False, **options):
        total = AuditEvent.objects.count()
        breaks = list(verify())
        checkpoints = []
        if not without_checkpoints:
            try:
                checkpoints = read_all()
            except (ImproperlyConfigured, CheckpointProblem) as problem:
                raise CommandError(f"The checkpoints cannot be trusted or read: {problem}") from None
            breaks += verify_against_checkpoints(checkpoints)
        breaks.sort(key=lambda b: b.sequence)
        for found in breaks[:50]:
            self.stderr.write(f"Event {found.sequence:,}: {found.problem}.")
        if breaks:
            raise CommandError(
                f"The audit log is not whole: {len(breaks):,} problem(s), the first at event "
                f"{breaks[0].sequence:,}, in {total:,} events."
            )
        self._warn_if_this_role_can_change_events()
        said = f"The audit log is intact: {total:,} events, each following from the one before"
        if checkpoints:
            latest = checkpoints[-1]
            self.stdout.write(
                f"{said}, and agreeing with {len(checkpoints):,} signed checkpoint(s), the latest at event "
                f"{latest.sequence:,} written {latest.written_at}."
            )
        elif without_checkpoints:
            self.stdout.write(f"{said}. Checkpoints were not checked: deleted newest events would not show.")
        else:
            self.stdout.write(
                f"{said}. There is no checkpoint yet to check against: run `mast audit_checkpoint` "
                "(or schedule it) so that deleting the newest events would show."
            )

    def _warn_if_this_role_can_change_events(self) -> None:
        if connection.vendor != "postgresql":
            return
        rights = rights_of(current_role())
        if not rights.append_only:
            self.stderr.write(
                f"Warning: the database role {rights.role} can change or delete audit events. If the "
                "application runs as this role, run `mast audit_lock_down --role <its role>` as the schema's "
                "owner and use another role for the application (docs/audit-and-oversight.md)."
            )
