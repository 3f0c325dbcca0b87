"""`mast create_administrator`: the first administrator of a fresh install (or another, from the shell).

They get a link to choose a password, printed here and emailed; at their first sign-in they set up an
authenticator app like everyone else. Nobody, not even the first administrator, gets a password on the
command line or an account without a second factor.
"""

from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mast.access.models import Agency, AgencyKind, Role
from mast.administration import accounts, links
from mast.administration.actor import Actor
from mast.administration.user_details import UserDetails


class Command(BaseCommand):
    help = "Create an administrator and print a single-use link for them to choose a password."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="their own work email: they sign in with it")
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)
        parser.add_argument("--agency-code", required=True, help="e.g. northshire-mast; created if new")
        parser.add_argument("--agency-name", help="the agency's name, when it is new")

    @transaction.atomic
    def handle(self, *args, email, first_name, last_name, agency_code, agency_name=None, **options):
        agency = Agency.objects.filter(code=agency_code).first()
        if agency is None:
            if not agency_name:
                raise CommandError(
                    f"No agency has the code {agency_code!r}: give --agency-name to create it."
                )
            agency = Agency.objects.create(code=agency_code, name=agency_name, kind=AgencyKind.OTHER)
        form = UserDetails(
            {
                "first_name": first_name,
                "last_name": last_name,
                "email": email,
                "agency": agency.pk,
                "role": Role.ADMINISTRATOR,
            }
        )
        if not form.is_valid():
            problems = "; ".join(f"{name}: {errors[0]}" for name, errors in form.errors.items())
            raise CommandError(problems)
        # The audit log names who made the account: here, the command run on the server.
        system = SimpleNamespace(username="mast create_administrator", pk=None, agency=None, role="")
        user = accounts.create(Actor(user=system), form.cleaned_data)
        link = settings.MAST_BASE_URL + links.path_for(user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Administrator {user.get_full_name()} ({user.username}) created in {agency.name}."
            )
        )
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        self.stdout.write(
            f"They choose a password at this link (it works once, within {hours} hours; it has also been "
            f"emailed):\n  {link}\nThen they sign in and set up an authenticator app."
        )
