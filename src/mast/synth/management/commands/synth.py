from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mast.synth.region import generate


class Command(BaseCommand):
    help = (
        "Write a synthetic region: six partners' feed files in their own layouts, plus the ground truth "
        "(see docs/synthetic-data.md). The same seed and date always give the same files."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--people", type=int, default=5000, help="true people in the region (default 5000)"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--out", type=Path, required=True, help="directory to write the region into")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="the day the partners' exports are taken, YYYY-MM-DD (default today)",
        )

    def handle(self, *args, people, seed, out, as_of, **options):
        # call_command() passes keyword options through unparsed.
        out = Path(out)
        if isinstance(as_of, str):
            as_of = date.fromisoformat(as_of)
        if people < 1:
            raise CommandError("--people must be at least 1.")
        if out.exists() and any(out.iterdir()):
            raise CommandError(
                f"{out} is not empty; choose a new directory so no region is mixed with another."
            )
        as_of = as_of or date.today()

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"  people: {done:,} of {total:,}", ending="\r")

        manifest = generate(people, seed, out, as_of, progress=progress)
        self.stderr.write("")
        self.stdout.write(
            f"Wrote {manifest['people']:,} people in {manifest['households']:,} households to {out}"
        )
        for source, info in manifest["sources"].items():
            self.stdout.write(
                f"  {source:<30} {info['person_records']:>9,} person records {info['rows']:>10,} rows"
            )
