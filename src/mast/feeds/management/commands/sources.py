from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from mast.feeds import registry


class Command(BaseCommand):
    help = (
        "List partners' mappings and their sources; --sync creates the sources and agencies the mappings "
        "describe; --owner SOURCE USERNAME makes a feed owner an owner of a source (audited)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sync", action="store_true", help="create or update every mapping's source")
        parser.add_argument("--owner", nargs=2, metavar=("SOURCE", "USERNAME"), help="assign a feed owner")

    def handle(self, *args, sync=False, owner=None, **options):
        if sync:
            for source in registry.sync():
                self.stdout.write(f"synced {source.code} ({source.agency.name})")
        if owner:
            code, username = owner
            try:
                source = registry.source_for_code(code)
                user = get_user_model().objects.get(username=username)
                registry.assign_owner(source, user)
            except (registry.NoSuchSource, ValueError) as exc:
                raise CommandError(str(exc)) from None
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user '{username}'.") from None
            self.stdout.write(f"{username} now owns {source.code}.")
        for item in registry.registered():
            source, last = item.source, item.last_load
            if source is None:
                state = "no source yet (created by `mast sources --sync` or its first load)"
            else:
                owners = ", ".join(sorted(u.username for u in source.owners.all())) or "no owner"
                latest = (
                    f"last load {last.started_at:%d %b %Y %H:%M} {last.status}" if last else "never loaded"
                )
                state = f"{source.agency.name}; owners: {owners}; {latest}"
            self.stdout.write(f"{item.mapping.source_code:<32} {item.mapping.name}.toml  {state}")
