import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mast.identity.matching.engine_settings import EngineSettingError
from mast.identity.matching.offline import CanonicalFileError, link_files, read_relationships, write_outputs


class Command(BaseCommand):
    help = (
        "Link people across canonical-format CSV files, without a database or server: "
        "`mast link police.csv health.csv --output people.csv`. Each file is one source, named by the file's "
        "stem. OUT gets one row per input row (source, record_id, person), where the same person label means "
        "the same person; OUT.review.csv lists the pairs a person would have to decide. A row whose "
        "involvement_type is one of MAST's shared category codes (child_in_need, maternity, ...) tells "
        "matching the ages its service works with (docs/feed-format.md); a partner's own label does not."
    )
    # Never touches the database: no system checks (they may query it), no migration check.
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="canonical-format CSV files")
        parser.add_argument("--output", "-o", type=Path, required=True, metavar="OUT.csv")
        parser.add_argument(
            "--models-dir",
            type=Path,
            help="use the latest model saved here (a new one is trained and saved here when there is none "
            "and the files hold enough records); by default a temporary directory, so the model is trained "
            "on these files when they are big enough, else the packaged starter model is used",
        )
        parser.add_argument(
            "--retrain", action="store_true", help="train a new model on these files even if one is saved"
        )
        parser.add_argument(
            "--relationships",
            action="append",
            default=[],
            metavar="SOURCE=FILE",
            help="a partner's relationships file (person_ref, related_person_ref, relationship), for the "
            "source named as its canonical file is: records it says are related are two people, never a "
            "possible match (a same-named father and son). May be given once per source.",
        )

    def handle(self, *args, files, output, models_dir, retrain, relationships, **options):
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path} is not a file.")
        if output.resolve() in {path.resolve() for path in files}:
            raise CommandError(f"{output} is one of the input files; choose another --output.")
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent} is not a directory.")
        if models_dir is not None:
            models_dir.mkdir(parents=True, exist_ok=True)
        sources = {path.stem for path in files}
        started = time.perf_counter()
        try:
            related = []
            for option in relationships:
                source, _, name = option.partition("=")
                if not name or source not in sources:
                    raise CommandError(
                        f"--relationships {option}: give SOURCE=FILE, SOURCE one of the files' sources "
                        f"({', '.join(sorted(sources))})."
                    )
                if not Path(name).is_file():
                    raise CommandError(f"{name} is not a file.")
                related += read_relationships(Path(name), source)
            result = link_files(
                files,
                models_dir=models_dir,
                retrain=retrain,
                relationships=related,
                progress=lambda message: self.stderr.write(f"  {message}"),
            )
        except (CanonicalFileError, EngineSettingError) as exc:
            raise CommandError(str(exc)) from None
        people, review = write_outputs(result, output)
        self.stdout.write(result.summary())
        self.stdout.write(f"  people: {people}\n  review: {review}")
        timings = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in result.seconds.items())
        self.stdout.write(f"  took {time.perf_counter() - started:.1f} s ({timings})")
