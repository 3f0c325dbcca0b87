"""The `mast` console command: Django's management commands under one name, MAST's own listed first."""

import os
import sys

MAST_COMMANDS = {
    "synth": "write a synthetic region: partner feed files plus the ground truth",
    "load": "load one partner feed file (--confirm-removals to apply a file that would be held)",
    "sources": "list partners' mappings and sources (--sync creates them, --owner assigns a feed owner)",
    "identity": "re-run identity matching over every partner record (--retrain for a new model)",
    "link": "link people across canonical-format CSV files, with no database (--output OUT.csv)",
    "undo_load": "put a feed back as it was before one of its last loads (--list SOURCE)",
    "check_freshness": "tell feed owners and IG officers about late feeds (for cron)",
    "check_agreement_review": "warn when the sharing agreement is past its review date (weekly; for cron)",
    "backup": "write a consistent copy of everything MAST holds into a new folder",
    "restore": "bring a backup back into an empty install",
    "demo": "set up the demo: migrate, synthetic region, loads and demo users",
    "demo_code": "print the demo users' current authenticator code (demo only)",
    "create_administrator": "create an administrator, who gets a link to choose a password",
    "serve": "run the production web server (gunicorn), behind nginx",
    "worker": "run the background worker and its timetable of jobs",
    "migrate": "create or update the database tables",
    "runserver": "start the development web server",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mast.config.settings")
    if not argv or (argv[0] in {"-h", "--help", "help"} and len(argv) == 1):
        print("usage: mast COMMAND [options]\n\nCommands people use most:")
        for name, text in MAST_COMMANDS.items():
            print(f"  {name:<16} {text}")
        print("\n`mast help --commands` lists every command; `mast COMMAND --help` explains one.")
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mast", *argv])


if __name__ == "__main__":
    main()
