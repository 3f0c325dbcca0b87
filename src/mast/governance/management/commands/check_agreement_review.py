from django.core.management.base import BaseCommand

from mast.governance.review import warn_if_review_overdue


class Command(BaseCommand):
    help = (
        "Warn IG officers and every partner's approver by email when the data-sharing agreement in force is "
        "past its review date: at most once a week, so it is safe to run daily."
    )

    def handle(self, *args, **options):
        told = warn_if_review_overdue()
        self.stdout.write(f"Review overdue: {told} email(s) sent." if told else "No review warning due.")
