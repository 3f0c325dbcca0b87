"""What analytics keeps of its own: a daily picture of each feed's completeness and matching, for its history.

Everything else it shows is computed from the other packages' data (see `facts`); these snapshots exist
because a feed's records are replaced by each load, so yesterday's share of records with an NHS number cannot
be read back later. Counts of records only: no person, no record id.
"""

from django.db import models


class FeedQualitySnapshot(models.Model):
    source = models.ForeignKey("feeds.Source", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    records = models.PositiveIntegerField()
    with_nhs_number = models.PositiveIntegerField()
    with_date_of_birth = models.PositiveIntegerField()
    with_postcode = models.PositiveIntegerField()
    with_uprn = models.PositiveIntegerField()
    linked_elsewhere = models.PositiveIntegerField(
        help_text="Records whose person is also recorded by another agency's feed."
    )
    review_backlog = models.PositiveIntegerField(
        help_text="Possible matches of its records awaiting a decision."
    )

    class Meta:
        ordering = ["day", "source"]
        constraints = [models.UniqueConstraint(fields=["source", "day"], name="analytics_one_snapshot_a_day")]

    def __str__(self) -> str:
        return f"{self.source_id} on {self.day}"
