from django.core.management.base import BaseCommand
from django.utils import timezone

from mast.ingest.management.commands.load import summary
from mast.requests import tasks as chasing
from mast.requests.demo import ensure_demo_requests
from mast.synth import demo, demo_users


class Command(BaseCommand):
    help = "Set up the demo: partners, a synthetic region, its loads and the demo users. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, people, seed, **options):
        sources = demo.ensure_partners()
        out = demo.ensure_region(people, seed, timezone.localdate(), stdout=self.stdout)
        self.stdout.write(f"Synthetic region: {out}")
        for load in demo.load_region(out, sources):
            self.stdout.write(summary(load))
        password = demo_users.demo_password()
        users = demo_users.ensure_demo_users(password) + demo.ensure_demo_approvers(password)
        workers = demo_users.ensure_allocated_workers(password)
        demo_users.ensure_demo_second_factors(users + workers)
        self.stdout.write(f"Alerts for the demo practitioners: {demo.ensure_demo_alerts(sources)}")
        self.stdout.write(f"Requests between the demo practitioners: {ensure_demo_requests()}")
        # The database worker that `make demo` starts chases overdue requests from now on.
        chasing.schedule()
        self.stdout.write(self.style.SUCCESS("\nDemo users (all synthetic data) — password: " + password))
        for user in users:
            self.stdout.write(f"  {user.username:<18} {user.get_role_display():<32} {user.agency}")
        if workers:
            self.stdout.write(
                "\nAllocated workers in children's social care, with accounts (a referral about one of their "
                "open cases is assigned to them): "
                + ", ".join(w.username for w in workers[:5])
                + (f" and {len(workers) - 5} more" if len(workers) > 5 else "")
            )
        self.stdout.write(
            "\nEvery demo user also needs a code from an authenticator app (MAST requires a second factor). "
            f"Add this secret to any authenticator app once: {demo_users.demo_totp_secret()}\n"
            f"  (or scan/open {demo_users.demo_totp_uri()})\n"
            "or run `mast demo_code` for the current code."
        )
        self.stdout.write("\nOpen http://127.0.0.1:8000 and sign in as one of them.")
