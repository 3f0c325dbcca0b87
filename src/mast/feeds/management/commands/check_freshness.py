from django.core.management.base import BaseCommand

from mast.feeds.lateness import raise_late_notices


class Command(BaseCommand):
    help = (
        "Tell feed owners and IG officers about partner feeds whose file is late (each source's [schedule] "
        "in its mapping; default daily by 07:00). Once per missed deadline; run it every few minutes."
    )

    def handle(self, *args, **options):
        notices = raise_late_notices()
        for notice in notices:
            self.stdout.write(
                f"late: {notice.source.code} (no good file since {notice.due_since:%d %b %H:%M}); "
                f"{notice.emails_sent} email(s) sent"
            )
        if not notices:
            self.stdout.write("No feed newly late.")
