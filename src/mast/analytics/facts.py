"""The facts every figure is computed from, rebuilt from the other packages' data after each load.

Counting people known to two agencies in a month means looking at every involvement MAST holds (a million
in a large region), which no page can do while someone waits. So after each load (and by `mast
analytics_refresh`) the involvements are read once, in order, and DuckDB turns them into a few tables in
one file, which the dashboard then asks in milliseconds (ADR 0020):

- `known_counts`: how many people were known in each month of the last 36, by area (postcode district), sex,
  age band that month and how many agencies knew them — for everyone, and again for each agency, each
  category of involvement, and each agency and category together (a summary: the page sums a few hundred
  rows instead of counting millions of person-months). Counts only: no id, name or date of birth;
- `new_involvements`: one row per involvement that started in the window, with its agency, feed, category,
  the person's area, age band and sex, and whether another agency had the person's case open when it began;
- `uses`: one row per person page a practitioner opened, per person a search listed (oversight's index of the
  audit log) and per targeted request sent, with the month and the person's area, age band and sex, to see
  whether MAST's use falls fairly (analytics.fairness): who gets looked at, and who gets searched for.

The file is written beside the old one and moved into place, so a page never reads half a refresh. Purged
data leaves it at the next refresh, which the retention purge is followed by too.
"""

import os
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
from django.conf import settings
from django.db import connection
from django.utils import timezone

from mast.audit.models import AuditEvent
from mast.config.paths import private_dir, private_file
from mast.feeds.models import Involvement
from mast.identity.models import Person
from mast.oversight.models import Shown
from mast.requests.models import Request

FILE_NAME = "facts.duckdb"
WINDOW_MONTHS = 36
# Contacts and referrals at a front door: the involvements that open a children's or adults' safeguarding
# look at someone. A partner's own types are mapped to these shared categories by its feed mapping.
FRONT_DOOR = ("csc_contact", "adult_safeguarding_enquiry", "concern_for_welfare")
AGE_BANDS = ("0 to 4", "5 to 9", "10 to 15", "16 to 17", "18 to 24", "25 to 64", "65 and over", "Not known")
SEXES = ("female", "male", "other", "Not known")

_COLUMNS = {
    "person_id": pa.int64(),
    "agency_id": pa.int64(),
    "source_id": pa.int64(),
    "category": pa.string(),
    "start_date": pa.date32(),
    "end_date": pa.date32(),
    "status": pa.string(),
    "postcode": pa.string(),
    "date_of_birth": pa.date32(),
    "sex": pa.string(),
}


def natural(text: str) -> tuple:
    """Sorts postcode districts as people read them: NS2 before NS10, "Not known" last."""
    return (text == "Not known", [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text)])


@dataclass(frozen=True)
class Refreshed:
    involvements: int
    person_months: int
    seconds: float


def facts_path() -> Path:
    return Path(settings.MAST_ANALYTICS_DIR) / FILE_NAME


def window(today: date) -> tuple[date, date]:
    """The first and last month (as their first days) of the 36 months that end with this one."""
    last = today.replace(day=1)
    index = last.year * 12 + last.month - 1 - (WINDOW_MONTHS - 1)
    return date(index // 12, index % 12 + 1, 1), last


def _involvements(first_day: date) -> pa.Table:
    """Every current involvement of a matched person that was live at some time in the window, as columns."""
    rows = (
        Involvement.objects.filter(removed_at__isnull=True, partner_record__link__isnull=False)
        .exclude(status=Involvement.Status.CLOSED, end_date__lt=first_day)
        .values_list(
            "partner_record__link__person_id",
            "source__agency_id",
            "source_id",
            "category",
            "start_date",
            "end_date",
            "status",
            "partner_record__postcode",
            "partner_record__date_of_birth",
            "partner_record__sex",
        )
        .order_by()
    )
    # Read in large batches with a plain cursor and turned into columns a batch at a time: at a million rows
    # the ORM's per-row work, not the database, was most of the refresh.
    batches = []
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(50_000):
            columns = list(zip(*batch, strict=True))
            batches.append(
                pa.record_batch(
                    [
                        pa.array(values, type=kind)
                        for (name, kind), values in zip(_COLUMNS.items(), columns, strict=True)
                    ],
                    names=list(_COLUMNS),
                )
            )
    schema = pa.schema(list(_COLUMNS.items()))
    return pa.Table.from_batches(batches, schema=schema)


def _uses(first_day: date) -> pa.Table:
    """Person pages opened (from the audit log), people listed by a search (oversight's index of it) and
    targeted requests sent, in the window, as (person, day, kind)."""
    person_ids = {}
    opened = []
    events = AuditEvent.objects.filter(
        action="view_person", outcome=AuditEvent.Outcome.ALLOWED, at__date__gte=first_day
    ).values_list("target", "at")
    for target, at in events.iterator(chunk_size=20_000):
        opened.append((target.removeprefix("person:"), timezone.localdate(at)))
    found = [
        (str(subject), timezone.localdate(at))
        for subject, at in Shown.objects.filter(how=Shown.How.SEARCH_RESULT, at__date__gte=first_day)
        .values_list("subject", "at")
        .iterator(chunk_size=20_000)
    ]
    wanted = {public_id for public_id, _ in opened} | {public_id for public_id, _ in found}
    for chunk in _chunks(sorted(wanted), 5_000):
        person_ids.update(
            (str(u), pk)
            for u, pk in Person.objects.filter(public_id__in=chunk).values_list("public_id", "pk")
        )
    rows = [(person_ids[u], day, "Person pages opened") for u, day in opened if u in person_ids]
    rows += [(person_ids[u], day, "Found by a search") for u, day in found if u in person_ids]
    requests = Request.objects.filter(sent_at__date__gte=first_day).values_list("person_id", "sent_at")
    rows += [(pk, timezone.localdate(at), "Requests about them") for pk, at in requests.iterator()]
    return pa.table(
        {
            "person_id": pa.array([r[0] for r in rows], type=pa.int64()),
            "at": pa.array([r[1] for r in rows], type=pa.date32()),
            "kind": pa.array([r[2] for r in rows], type=pa.string()),
        }
    )


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# The SQL that turns involvements into facts. Whatever holds a person's id or date of birth is a TEMP table:
# it lives in memory (or DuckDB's spill folder beside the file) and is gone when the build closes, so not even
# the file's free blocks keep it. Ongoing means no end date and not closed: active to this month.
# A closed involvement with no end date is counted in the month it started only.
_BUILD = """
CREATE TEMP TABLE person AS
SELECT person_id,
       coalesce(max(lower(sex)) FILTER (WHERE lower(sex) IN ('female', 'male', 'other')), 'Not known') AS sex,
       min(date_of_birth) AS date_of_birth,
       coalesce(arg_max(upper(split_part(trim(postcode), ' ', 1)), start_date)
                FILTER (WHERE length(trim(postcode)) >= 5 AND position(' ' IN trim(postcode)) > 0),
                'Not known') AS district
FROM involvements GROUP BY person_id;

CREATE TEMP TABLE spans AS
SELECT i.*, date_trunc('month', start_date)::DATE AS first_month,
       date_trunc('month', coalesce(end_date,
           CASE WHEN status = 'closed' THEN start_date ELSE $last_month END))::DATE AS last_month
FROM involvements i;

CREATE TEMP TABLE months AS
SELECT unnest(generate_series($first_month, $last_month, INTERVAL 1 MONTH))::DATE AS month;

-- Who was known to which agency, for what, in each month (a person with two open involvements of one agency
-- and category counts once).
CREATE TEMP TABLE live AS
SELECT DISTINCT s.person_id, m.month, s.agency_id, s.category
FROM spans s JOIN months m ON m.month BETWEEN s.first_month AND s.last_month;

-- Each person-month's cell: the area, sex, age band and number of agencies it is counted under, as a small
-- number so that the counting below hashes integers, not strings.
CREATE TEMP TABLE agency_counts AS
SELECT person_id, month, least(count(DISTINCT agency_id), 3) AS agencies FROM live GROUP BY ALL;

CREATE TEMP TABLE described AS
SELECT a.person_id, a.month, p.district, p.sex, {age_band} AS age_band, a.agencies
FROM agency_counts a JOIN person p USING (person_id);

CREATE TEMP TABLE cells AS
SELECT row_number() OVER () AS cell, *
FROM (SELECT DISTINCT district, sex, age_band, agencies FROM described);

CREATE TEMP TABLE person_months AS
SELECT d.person_id, d.month, c.cell FROM described d JOIN cells c USING (district, sex, age_band, agencies);

-- Each live agency and category with its person-month's cell, joined once for the four counts below.
CREATE TEMP TABLE live_cells AS
SELECT l.person_id, l.month, l.agency_id, l.category, pm.cell
FROM live l JOIN person_months pm USING (person_id, month);

-- The people known each month, counted once for everyone (agency 0, category ''), once for each agency that
-- knew them, each category they were known for, and each agency and category together, in each cell.
-- "Known to two agencies" is a distinct count that does not add up across agencies or categories, so each is
-- counted here rather than summed on the page. Within one of them the rows do add up across areas, sexes and
-- age bands, which is all a filter asks. Sorted so that a page's question reads only the blocks of its agency
-- and category.
CREATE TABLE known_counts AS
WITH counted AS (
    SELECT 0::BIGINT AS agency_id, '' AS category, month, cell, count(*) AS people
    FROM person_months GROUP BY ALL
    UNION ALL
    SELECT agency_id, '', month, cell, count(*)
    FROM (SELECT DISTINCT person_id, month, agency_id, cell FROM live_cells) GROUP BY ALL
    UNION ALL
    SELECT 0, category, month, cell, count(*)
    FROM (SELECT DISTINCT person_id, month, category, cell FROM live_cells) GROUP BY ALL
    UNION ALL
    SELECT agency_id, category, month, cell, count(*) FROM live_cells GROUP BY ALL
)
SELECT k.agency_id, k.category, k.month, c.district, c.sex, c.age_band, c.agencies, k.people
FROM counted k JOIN cells c USING (cell)
ORDER BY k.agency_id, k.category, k.month;

CREATE TABLE new_involvements AS
SELECT s.first_month AS month, s.agency_id, s.source_id, s.category, p.district, p.sex,
       {age_band_at_start} AS age_band,
       EXISTS (
           SELECT 1 FROM spans o
           WHERE o.person_id = s.person_id AND o.agency_id <> s.agency_id
             AND o.start_date <= s.start_date
             AND coalesce(o.end_date, CASE WHEN o.status = 'closed' THEN o.start_date END, DATE '9999-12-31')
                 >= s.start_date
       ) AS open_elsewhere
FROM spans s JOIN person p USING (person_id)
WHERE s.first_month >= $first_month
ORDER BY month, s.agency_id;

-- The filter form's areas, read on every page: kept small rather than found again among millions of rows.
CREATE TABLE districts AS SELECT DISTINCT district FROM cells;


CREATE TABLE uses AS
SELECT date_trunc('month', u.at)::DATE AS month, u.kind, p.district, p.sex,
       {age_band_at_use} AS age_band
FROM uses_arrow u JOIN person p USING (person_id)
WHERE u.at >= $first_month;

CREATE TABLE refreshed AS SELECT $refreshed_at::TIMESTAMPTZ AS refreshed_at, $first_month AS first_month,
       $last_month AS last_month;
"""


def _age_band(at: str, born: str) -> str:
    age = f"(year({at}) - year({born}) - CASE WHEN month({at}) < month({born}) THEN 1 ELSE 0 END)"
    bands = [
        (4, "0 to 4"),
        (9, "5 to 9"),
        (15, "10 to 15"),
        (17, "16 to 17"),
        (24, "18 to 24"),
        (64, "25 to 64"),
    ]
    cases = " ".join(f"WHEN {age} <= {top} THEN '{label}'" for top, label in bands)
    return f"CASE WHEN {born} IS NULL OR {born} > {at} THEN 'Not known' {cases} ELSE '65 and over' END"


def refresh(today: date | None = None) -> Refreshed:
    """Rebuild the facts file from MAST's current data. Safe to run at any time; the newest run wins."""
    started = time.perf_counter()
    # The figures are as of the moment reading began: a load committed after it is in the next refresh.
    as_of_now = timezone.now()
    today = today or timezone.localdate()
    first_month, last_month = window(today)
    involvements = _involvements(first_month)
    target = facts_path()
    private_dir(target.parent)
    building = target.with_name(f".{FILE_NAME}.{os.getpid()}.building")
    building.unlink(missing_ok=True)
    sql = _BUILD.format(
        age_band=_age_band("a.month", "p.date_of_birth"),
        age_band_at_start=_age_band("s.start_date", "p.date_of_birth"),
        age_band_at_use=_age_band("u.at", "p.date_of_birth"),
    )
    uses = _uses(first_month)
    with duckdb.connect(str(building)) as db:
        db.register("involvements_arrow", involvements)
        db.execute("CREATE TEMP TABLE involvements AS SELECT * FROM involvements_arrow")
        db.unregister("involvements_arrow")
        db.register("uses_arrow", uses)
        parameters = {"first_month": first_month, "last_month": last_month, "refreshed_at": as_of_now}
        for statement in filter(str.strip, sql.split(";")):
            used = {k: v for k, v in parameters.items() if f"${k}" in statement}
            db.execute(statement, used)
        db.unregister("uses_arrow")
        person_months = db.execute("SELECT count(*) FROM person_months").fetchone()[0]
        db.execute("CHECKPOINT")
    private_file(building)
    os.replace(building, target)
    return Refreshed(involvements.num_rows, person_months, time.perf_counter() - started)


def as_of() -> datetime | None:
    """When the current facts were read from MAST's data; None before the first refresh."""
    db = connect()
    if db is None:
        return None
    try:
        return db.execute("SELECT refreshed_at FROM refreshed").fetchone()[0]
    finally:
        db.close()


_open: dict[tuple, duckdb.DuckDBPyConnection] = {}
_opening = threading.Lock()


def connect() -> duckdb.DuckDBPyConnection | None:
    """The facts, read-only, as a cursor of its own for the caller; None until the first refresh has run.

    Opening the file costs tens of milliseconds, so each process keeps it open until a refresh moves a new
    file into place (a new inode), then opens that one."""
    path = facts_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = (str(path), stat.st_ino, stat.st_mtime_ns)
    with _opening:
        if key not in _open:
            for old in [k for k in _open if k[0] == key[0]]:
                _open.pop(old).close()
            _open[key] = duckdb.connect(str(path), read_only=True)
        return _open[key].cursor()
