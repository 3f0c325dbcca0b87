"""`mast audit_verify`: check the audit log's hash chain from the first event to the last."""

from django.core.management.base import BaseCommand, CommandError

from mast.audit.chain import verify
from mast.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Check that no audit event was changed, removed or reordered (exit status 1 if any was)."

    def handle(self, *args, **options):
        total = AuditEvent.objects.count()
        breaks = list(verify())
        for found in breaks[:50]:
            self.stderr.write(f"Event {found.sequence}: {found.problem}.")
        if breaks:
            raise CommandError(
                f"The audit log's chain is broken in {len(breaks):,} place(s) of {total:,} events."
            )
        self.stdout.write(f"The audit log is intact: {total:,} events, each following from the one before.")
