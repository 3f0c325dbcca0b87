"""`mast case_reference_shape --agency CODE --name NAME --pattern REGEX --example EXAMPLE`: set one shape of
case reference an agency's practitioners must give when they state a purpose (`--list` shows them all)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from mast.access.models import Agency, CaseReferenceShape


class Command(BaseCommand):
    help = "Add or change a shape of case reference for an agency, or --list the shapes configured."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="list every agency's shapes")
        parser.add_argument("--agency", help="the agency's code")
        parser.add_argument("--name", help='what the agency calls it, e.g. "Crime reference"')
        parser.add_argument(
            "--pattern", help=r"a regular expression the whole reference matches: CR/\d{6}/\d{2}"
        )
        parser.add_argument("--example", help="a made-up reference of this shape: CR/123456/26")

    def handle(self, *args, **options):
        if options["list"]:
            for shape in CaseReferenceShape.objects.select_related("agency"):
                self.stdout.write(f"{shape.agency.code}\t{shape.name}\t{shape.pattern}\te.g. {shape.example}")
            return
        missing = [f"--{k}" for k in ("agency", "name", "pattern", "example") if not options[k]]
        if missing:
            raise CommandError(f"Give {', '.join(missing)} (or --list).")
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency has the code {options['agency']!r}.")
        shape = CaseReferenceShape.objects.filter(agency=agency, name=options["name"]).first()
        shape = shape or CaseReferenceShape(agency=agency, name=options["name"])
        shape.pattern, shape.example = options["pattern"], options["example"]
        try:
            shape.full_clean()
        except ValidationError as error:
            raise CommandError("; ".join(m for ms in error.message_dict.values() for m in ms)) from None
        shape.save()
        self.stdout.write(f"{agency.name}: {shape.name}, like {shape.example}.")
