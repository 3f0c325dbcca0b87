"""Feed sources, loads, and the partner records they bring: the canonical headline record as stored."""

from django.conf import settings
from django.db import models

from mast.access.models import Agency
from mast.canonical import CATEGORIES


class Source(models.Model):
    """A partner system that sends MAST a feed (for example a police force's Niche export)."""

    class Mode(models.TextChoices):
        SNAPSHOT = "snapshot", "Full snapshot"
        DELTA = "delta", "Changes only"

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="sources")
    system = models.CharField(max_length=120, blank=True, help_text="The partner's own system, e.g. Mosaic.")
    mapping = models.CharField(max_length=80, help_text="Name of the declarative mapping in feeds/mappings/.")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.SNAPSHOT)
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="owned_sources")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Load(models.Model):
    """One file received from a source: what it was, who sent it, and what became of each row."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        LOADED = "loaded", "Loaded"
        UNCHANGED = "unchanged", "Already loaded"
        REFUSED = "refused", "Refused"
        FAILED = "failed", "Failed"
        # Would remove or reject more than its source's guard allows: not applied until its owner confirms.
        HELD = "held", "Held for checking"
        UNDONE = "undone", "Undone"

    class Kind(models.TextChoices):
        RECORDS = "records", "Headline records"
        RELATIONSHIPS = "relationships", "Relationships"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="loads")
    # A source's relationships file (identity/family.py) is recorded as a load too, but is no snapshot of its
    # records: the guard, "already loaded", undo and freshness look only at loads of records.
    kind = models.CharField(max_length=15, choices=Kind.choices, default=Kind.RECORDS)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    archive_path = models.CharField(max_length=500, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Stage(models.TextChoices):
        WAITING = "waiting", "Waiting to start"
        READING = "reading", "Reading and checking rows"
        WRITING = "writing", "Writing to the database"
        MATCHING = "matching", "Matching people"
        DONE = "done", "Done"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.WAITING)
    progress_rows = models.PositiveIntegerField(default=0, help_text="Rows read so far, while reading.")
    message = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_loaded = models.PositiveIntegerField(default=0)
    rows_flagged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    records_removed = models.PositiveIntegerField(default=0)
    records_kept = models.PositiveIntegerField(
        default=0, help_text="Records whose rows were rejected but named them: kept as last loaded."
    )
    preview = models.JSONField(
        default=dict, blank=True, help_text="What a held load would do: counts and examples (feeds/guard.py)."
    )
    worker = models.CharField(
        max_length=120, blank=True, help_text="host:pid of the process running it, to spot one that died."
    )
    # Records pushed (or withdrawn) through the partner API, not a file: many a day, each its own load, so
    # they do not count towards how many of a feed's loads can be undone (feeds/undo.py).
    pushed = models.BooleanField(default=False, help_text="Received through the partner API, not a file.")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source.code}: {self.file_name} ({self.status})"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None


class RejectedRow(models.Model):
    """A row refused by validation, kept verbatim with its reason so the feed owner can fix it at source."""

    load = models.ForeignKey(Load, on_delete=models.CASCADE, related_name="rejected_rows")
    line_number = models.PositiveIntegerField()
    field = models.CharField(max_length=60, blank=True)
    reason = models.CharField(max_length=300)
    raw = models.JSONField(default=dict)
    # Read from the row when they could be: a rejected row that names a record is not an absent row.
    record_id = models.CharField(max_length=64, blank=True)
    person_ref = models.CharField(max_length=64, blank=True)
    kept = models.BooleanField(default=False, help_text="The record it names was kept as last loaded.")

    class Meta:
        ordering = ["load", "line_number"]

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.reason}"

    @property
    def field_label(self) -> str:
        from mast.feeds.problems import label

        return label(self.field) if self.field else ""


class FlaggedRow(models.Model):
    """A row that was loaded with one or more fields flagged, and every problem with it in plain words."""

    load = models.ForeignKey(Load, on_delete=models.CASCADE, related_name="flagged_rows")
    line_number = models.PositiveIntegerField()
    record_id = models.CharField(max_length=64)
    problems = models.JSONField(default=list)

    class Meta:
        ordering = ["load", "line_number"]

    def __str__(self) -> str:
        return f"line {self.line_number}: {len(self.problems)} problem(s)"


class PriorVersion(models.Model):
    """A record as it was just before a load changed it, kept for the last few loads so they can be undone
    (feeds/undo.py). Records a load created need none: undoing marks them removed."""

    class Kind(models.TextChoices):
        PERSON = "person", "Partner record"
        INVOLVEMENT = "involvement", "Involvement"

    load = models.ForeignKey(Load, on_delete=models.CASCADE, related_name="prior_versions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    record_pk = models.BigIntegerField()
    values = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["load", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_pk} before load {self.load_id}"


class LateNotice(models.Model):
    """A source whose file did not arrive on schedule, told once per missed deadline (feeds/lateness.py)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="late_notices")
    due_since = models.DateTimeField(help_text="A good file was expected after this moment.")
    last_good_at = models.DateTimeField(null=True, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    emails_sent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "due_since"], name="late_notice_once_per_deadline")
        ]

    def __str__(self) -> str:
        return f"{self.source.code} late since {self.due_since:%Y-%m-%d %H:%M}"


class AddressFields(models.Model):
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    address_line_3 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    uprn = models.CharField(max_length=12, blank=True)

    class Meta:
        abstract = True


class PartnerRecord(AddressFields):
    """A partner's own record of a person (its person_ref), with the details from its latest involvement.

    Identity resolution links each partner record to one resolved person (identity.PersonLink).
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="partner_records")
    person_ref = models.CharField(max_length=64)
    given_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=100)
    other_names = models.CharField(max_length=300, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # As given: partial ("1987", "03/1987") and impossible dates are kept and flagged, never guessed.
    date_of_birth_raw = models.CharField(max_length=40, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    nhs_number_valid = models.BooleanField(default=False)
    flags = models.JSONField(default=dict, blank=True, help_text="Field name → reason it was flagged.")
    content_hash = models.CharField(
        max_length=64, help_text="Hash of the fields as loaded, to spot changes between loads."
    )
    first_load = models.ForeignKey(Load, on_delete=models.PROTECT, related_name="+")
    changed_load = models.ForeignKey(Load, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when a load rejected this record's row but could read whose it was: kept as it was, not removed.
    stale_load = models.ForeignKey(Load, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    stale_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "person_ref"], name="unique_person_ref_per_source")
        ]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            # Practitioners search by date of birth (identity/search/candidates.py): the current records
            # born on a date, and on the fifty dates one keyed digit from it with the names to check — read
            # from the index alone, not from each of some two thousand records' rows (ADR 0042).
            models.Index(
                fields=["date_of_birth", "removed_at", "given_name", "family_name"],
                name="feeds_partnerrecord_dob_names",
            ),
            # A person page finds who else lives at the same UPRN (identity/households.py).
            models.Index(fields=["uprn"], name="feeds_partnerrecord_uprn"),
            # Each push asks which records were withdrawn or undone (identity/record_store.py): the few
            # removed, not a pass over every record.
            models.Index(
                fields=["removed_at"],
                name="feeds_partnerrecord_removed",
                condition=models.Q(removed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.code}:{self.person_ref}"

    @property
    def not_updated(self) -> str:
        return f"not updated by load {self.stale_load_id}: {self.stale_reason}" if self.stale_load_id else ""


class Involvement(AddressFields):
    """One involvement of one agency with one person: an incident, referral, episode or visit."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="involvements")
    record_id = models.CharField(max_length=64)
    partner_record = models.ForeignKey(PartnerRecord, on_delete=models.CASCADE, related_name="involvements")
    involvement_type = models.CharField(max_length=100, help_text="The partner's own label.")
    category = models.CharField(max_length=40, choices=list(CATEGORIES.items()))
    start_date = models.DateField(db_index=True)
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    lead_practitioner = models.CharField(max_length=150, blank=True)
    team = models.CharField(max_length=150, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    restricted = models.BooleanField(default=False)
    flags = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64)
    first_load = models.ForeignKey(Load, on_delete=models.PROTECT, related_name="+")
    changed_load = models.ForeignKey(Load, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)
    # Set when a load rejected this record's row but could read whose it was: kept as it was, not removed.
    stale_load = models.ForeignKey(Load, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    stale_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "record_id"], name="unique_record_id_per_source")
        ]
        indexes = [models.Index(fields=["status", "end_date"])]

    def __str__(self) -> str:
        return f"{self.source.code}:{self.record_id}"

    @property
    def not_updated(self) -> str:
        return f"not updated by load {self.stale_load_id}: {self.stale_reason}" if self.stale_load_id else ""

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Purge(models.Model):
    """One run of the retention purge: what was removed, counted, never described."""

    ran_at = models.DateTimeField(auto_now_add=True)
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    retention_months = models.PositiveSmallIntegerField()
    cutoff = models.DateField(help_text="Involvements that ended before this date were removed.")
    involvements_removed = models.PositiveIntegerField(default=0)
    records_removed = models.PositiveIntegerField(default=0)
    rejected_rows_removed = models.PositiveIntegerField(default=0)
    archived_files_removed = models.PositiveIntegerField(default=0)
    others_removed = models.JSONField(
        default=dict, blank=True, help_text="What other parts of MAST removed in this run, counted by kind."
    )

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"purge of {self.ran_at:%Y-%m-%d}: {self.involvements_removed} involvements"
