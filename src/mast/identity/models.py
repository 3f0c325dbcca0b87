"""Resolved people, the links that tie partner records to them, and addresses."""

import uuid

from django.conf import settings
from django.db import models

from mast.feeds.models import Involvement, PartnerRecord


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
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.partner_record} → {self.person} ({self.method})"


class Address(models.Model):
    """A standardised address: UPRN when a partner gives one, else a key from number, street and postcode."""

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
