"""Resolved people, the links that tie partner records to them, and addresses."""

import uuid

from django.conf import settings
from django.db import models

from mast.feeds.models import Involvement, PartnerRecord

# How many merges `Person.survivor` follows (a person merged into one that was itself merged later…). Real
# chains are a step or two; the limit only stops a cycle, which would be a bug, from hanging a page.
MERGE_CHAIN_LIMIT = 20


class Person(models.Model):
    """One real person as MAST has resolved them across partners' records.

    `public_id` is what URLs and exports show; it survives re-runs of matching unless the person is
    genuinely merged (then `merged_into` points at the survivor) or split.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        MERGED = "merged", "Merged into another person"
        RETIRED = "retired", "Retired (no partner records left)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.public_id)

    def survivor(self) -> "Person":
        """The person this one became, following merges; itself when it was not merged."""
        person, steps = self, 0
        while person.status == self.Status.MERGED and person.merged_into_id and steps < MERGE_CHAIN_LIMIT:
            person, steps = person.merged_into, steps + 1
        return person


class PersonLink(models.Model):
    """Which person a partner record belongs to, how that was decided, and how sure MAST is."""

    class Method(models.TextChoices):
        NHS_NUMBER = "nhs_number", "Same valid NHS number"
        MODEL = "model", "Probabilistic model"
        MANUAL = "manual", "Reviewer's decision"
        SINGLETON = "singleton", "No match found"

    partner_record = models.OneToOneField(PartnerRecord, on_delete=models.CASCADE, related_name="link")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="links")
    method = models.CharField(max_length=12, choices=Method.choices)
    match_probability = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    # For model links: the strongest link into this person, as [{comparison, outcome, weight}].
    explanation = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.partner_record} → {self.person} ({self.method})"


class Address(models.Model):
    """A standardised address: UPRN when a partner gives one, else a key from number, street and postcode.

    `public_id` is what URLs show: the row's own id counts up, so /addresses/1/, /2/, /3/… would let anyone
    walk every address in the region without a search."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(max_length=200, unique=True)
    uprn = models.CharField(max_length=12, blank=True, db_index=True)
    line_1 = models.CharField(max_length=200, blank=True)
    line_2 = models.CharField(max_length=200, blank=True)
    line_3 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line_1, self.town, self.postcode) if p)


class InvolvementAddress(models.Model):
    """Where an involvement took place, standardised: the basis of address search and households."""

    involvement = models.OneToOneField(Involvement, on_delete=models.CASCADE, related_name="standard_address")
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="involvements")

    def __str__(self) -> str:
        return f"{self.involvement} at {self.address}"


class MatchCandidate(models.Model):
    """A pair of partner records the model could not decide: shown side by side to a feed owner or IG officer.

    `record_a` always has the lower id, so a pair is stored once whichever way round it was found.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a decision"
        DECIDED = "decided", "Decided"
        SUPERSEDED = "superseded", "No longer in doubt after a later run"

    record_a = models.ForeignKey(PartnerRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(PartnerRecord, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    # [{comparison, outcome, weight}] — which fields agreed, and how many bits of evidence each gave.
    explanation = models.JSONField(default=list)
    reason = models.CharField(max_length=200, blank=True, help_text="Why the pair needs a person to decide.")
    model_version = models.CharField(max_length=40)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record_a", "record_b"], name="unique_candidate_pair")]
        ordering = ["-match_probability"]

    def __str__(self) -> str:
        return f"{self.record_a_id} ~ {self.record_b_id} ({self.match_probability:.3f})"


class MatchDecision(models.Model):
    """A person's decision that two partner records are, or are not, the same person. It always wins over
    later model runs, and is never deleted: a changed mind is a new decision."""

    record_a = models.ForeignKey(PartnerRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(PartnerRecord, on_delete=models.CASCADE, related_name="+")
    same_person = models.BooleanField()
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["record_a", "record_b"])]

    def __str__(self) -> str:
        verdict = "same" if self.same_person else "not the same"
        return f"{self.record_a_id} / {self.record_b_id}: {verdict}"


class IdentityEvent(models.Model):
    """A change to who is who: people merged or split, a record unlinked by hand. Identity's audit trail."""

    class Kind(models.TextChoices):
        MERGED = "merged", "People merged"
        SPLIT = "split", "Person split"
        UNLINKED = "unlinked", "Record unlinked by a reviewer"
        DECIDED = "decided", "Reviewer's decision applied"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="events")
    other_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    partner_records = models.JSONField(default=list, help_text="Ids of the partner records that moved.")
    detail = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    model_version = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person_id}"


class Relationship(models.Model):
    """A family relationship as a partner records it, between two of its own person records.

    Kept by the partner's references, not by MAST's people, so that whatever matching later decides about who
    is who, the relationship still points at the right partner records. A source's relationships file is a
    full snapshot: each load replaces that source's relationships.
    """

    class Kind(models.TextChoices):
        PARENT = "parent", "Parent"
        CHILD = "child", "Child"
        SIBLING = "sibling", "Sibling"
        CARER = "carer", "Carer"
        CARED_FOR = "cared_for", "Cared for"
        PARTNER = "partner", "Partner"

    source = models.ForeignKey("feeds.Source", on_delete=models.CASCADE, related_name="relationships")
    person_ref = models.CharField(max_length=64, db_index=True)
    related_person_ref = models.CharField(max_length=64, db_index=True)
    # What the related person is to this person: "parent" means related_person_ref is this person's parent.
    kind = models.CharField(max_length=10, choices=Kind.choices)
    load = models.ForeignKey("feeds.Load", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "person_ref", "related_person_ref", "kind"], name="unique_relationship"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.person_ref} has {self.kind} {self.related_person_ref}"


class SearchKey(models.Model):
    """A key a partner record can be found by when a practitioner searches: written as matching runs
    (identity/search/index.py), looked up by search (identity/search/find.py).

    Keys pair a family name's sound (Double Metaphone) with the given name or the year of birth, so that a
    search is a handful of exact index look-ups however many records there are. They are derived from the
    record's standardised fields and rewritten whenever matching runs over the record.
    """

    # Indexes named here (not db_index) so that a full rewrite can drop and rebuild them around a bulk insert.
    partner_record = models.ForeignKey(
        PartnerRecord, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=80)

    class Meta:
        indexes = [
            models.Index(fields=["key"], name="identity_searchkey_key"),
            models.Index(fields=["partner_record"], name="identity_searchkey_record"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_record_id}: {self.key}"
