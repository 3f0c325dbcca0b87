"""`mast demo_code`: the demo users' current authenticator code, for trying MAST without an app.

Only in the demo (MAST_DEMO on): a real installation's users each have their own secret in their own app.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mast.synth import demo_users


class Command(BaseCommand):
    help = "Print the current 6-digit code of the demo users' authenticator app (demo installations only)."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError(
                "mast demo_code works only in the demo (MAST_DEMO=1): real users have their own apps."
            )
        self.stdout.write(demo_users.current_demo_code())
