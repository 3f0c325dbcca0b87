"""The feed owner's pages: loads, rejected rows with reasons and a download, and an upload that loads in the
background."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mast.access.models import Role
from mast.audit.models import AuditEvent
from mast.feeds.models import Load
from mast.feeds.services import load_file, source_for_mapping
from tests.factories.access import make_user
from tests.feeds.conftest import write_feed
from tests.feeds.samples import GOOD_ROWS
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db
BAD_ROWS = [
    'OC9,N9,=HYPERLINK("http://evil.example"),Evans,01/01/2000,F,,,,DOMESTIC,,,OPEN,,,N',
    "OC10,,Ann,Lee,01/01/2001,F,,,,DOMESTIC,02/02/2026,,OPEN,,,N",
]


@pytest.fixture
def owner(source, client):
    user = make_user(Role.FEED_OWNER, agency=source.agency)
    source.owners.add(user)
    signed_in_with_factor(client, user)
    return user


@pytest.fixture
def immediate_tasks(settings, tmp_path, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr("mast.ingest.queue.incoming_dir", lambda: tmp_path / "incoming")


def upload(client, source_code, name, content):
    return client.post(
        reverse("web:feed-upload"), {"source": source_code, "file": SimpleUploadedFile(name, content)}
    )


def test_the_feeds_page_lists_the_owners_loads_and_no_one_elses(owner, source, client, tmp_path):
    mine = load_file(source, write_feed(tmp_path / "niche-monday.csv", GOOD_ROWS)).load
    other_source = source_for_mapping("test-partner-jsonl")
    other_source.owners.add(make_user(Role.FEED_OWNER))
    theirs = Load.objects.create(source=other_source, file_name="someone-elses.jsonl", sha256="0" * 64)

    page = client.get(reverse("web:feeds")).content.decode()

    assert "niche-monday.csv" in page and reverse("web:feed-load", args=[mine.pk]) in page
    assert "someone-elses.jsonl" not in page
    assert client.get(reverse("web:feed-load", args=[theirs.pk])).status_code == 403
    assert client.get(reverse("web:feed-load-rejected", args=[theirs.pk])).status_code == 403


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.IG_OFFICER, Role.ADMINISTRATOR, Role.ANALYST])
def test_people_who_own_no_feed_are_refused(role, client, source):
    signed_in_with_factor(client, make_user(role, agency=source.agency))
    assert client.get(reverse("web:feeds")).status_code == 403
    assert upload(client, source.code, "feed.csv", b"x").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("web:feeds"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:sign-in"))


def test_an_uploaded_file_is_loaded_and_its_outcome_shown(owner, source, client, immediate_tasks, tmp_path):
    # Enough good rows that 2 rejected stay under the 10 % that would hold the file (test_held_load.py).
    more = [GOOD_ROWS[2].replace("OC3,N2", f"OC{i},N{i}") for i in range(100, 120)]
    content = write_feed(tmp_path / "x.csv", GOOD_ROWS + BAD_ROWS + more).read_bytes()

    response = upload(client, source.code, "Niche export 25 Nov.csv", content)

    load = Load.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:feed-load", args=[load.pk])
    assert (load.status, load.loaded_by, load.rows_loaded, load.rows_rejected) == ("loaded", owner, 24, 2)
    page = client.get(response["Location"]).content.decode()
    assert "Niche export 25 Nov.csv" in page
    assert "26 read, 24 loaded" in page and "2 rejected" in page
    assert "Start date (OccDate) is empty; it is required." in page
    assert "Person reference (NominalId) is empty; it is required." in page
    assert 'http-equiv="refresh"' not in page
    # Rows loaded with a field flagged are listed too, each problem in the feed owner's words.
    assert "Rows loaded with a problem" in page
    assert "Date of birth (DOB) &#x27;1987&#x27;: partial or impossible date; kept as given" in page


def test_rejected_rows_download_as_csv_that_a_spreadsheet_cannot_run(owner, source, client, tmp_path):
    load = load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS + BAD_ROWS)).load

    response = client.get(reverse("web:feed-load-rejected", args=[load.pk]))

    assert response["Content-Type"].startswith("text/csv")
    assert f"rejected-rows-{source.code}-load-{load.pk}.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["line_number"], r["field"]) for r in rows] == [("6", "start_date"), ("7", "person_ref")]
    assert rows[0]["Forename"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1]["Forename"] == "Ann"


def test_a_load_still_running_says_so_and_how_to_check_again(owner, source, client):
    load = Load.objects.create(source=source, file_name="big.csv", sha256="1" * 64)

    page = client.get(reverse("web:feed-load", args=[load.pk])).content.decode()

    assert "Waiting for the background worker" in page
    assert (
        f'<a class="govuk-link" href="{reverse("web:feed-load", args=[load.pk])}">Check its progress</a>'
        in page
    )
    # A timed reload would fail WCAG 2.2.1; the page's script updates the summary in place instead
    # (tests/browser/test_load_progress.py watches it do so).
    assert 'http-equiv="refresh"' not in page and 'id="load-progress-summary"' in page


def test_progress_is_polled_without_reading_records_and_only_by_the_feeds_owners(owner, source, client):
    load = Load.objects.create(
        source=source, file_name="big.csv", sha256="1" * 64, status=Load.Status.RUNNING,
        stage=Load.Stage.READING, progress_rows=1200,
    )  # fmt: skip
    url = reverse("web:feed-load-progress", args=[load.pk])
    before = AuditEvent.objects.count()

    running = {"running": True, "summary": "Reading and checking rows: 1,200 rows so far."}
    assert client.get(url).json() == running
    Load.objects.filter(pk=load.pk).update(status=Load.Status.LOADED, message="Loaded 1,200 rows.")
    assert client.get(url).json() == {"running": False, "summary": "Loaded 1,200 rows."}
    assert AuditEvent.objects.count() == before

    signed_in_with_factor(client, make_user(Role.FEED_OWNER, agency=source.agency))  # owns no feed
    assert client.get(url).status_code == 403


def test_a_refused_file_says_nothing_was_loaded_and_why(owner, source, client, immediate_tasks):
    response = upload(client, source.code, "notes.csv", b"Name,Notes\r\nsomeone,something\r\n")

    page = client.get(response["Location"]).content.decode()
    assert "Nothing from this file was loaded" in page
    assert "does not match" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"source": "test-partner"}, "Select a file"),
        (
            {"source": "test-partner", "file": SimpleUploadedFile("empty.csv", b"")},
            "The selected file is empty",
        ),
        ({"source": "somebody-elses", "file": SimpleUploadedFile("f.csv", b"a")}, "Select one of your feeds"),
    ],
)
def test_upload_mistakes_are_shown_in_an_error_summary(owner, client, data, message):
    response = client.post(reverse("web:feed-upload"), data)

    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert page.count(message) == 2  # in the summary and beside the field
    assert not Load.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_kept(owner, source, client, settings):
    settings.MAST_MAX_UPLOAD_BYTES = 1024**2
    response = upload(client, source.code, "huge.csv", b"x" * (1024**2 + 1))

    assert "must be smaller than 1 MB" in response.content.decode()
    assert not Load.objects.exists()


def test_a_large_upload_is_stopped_while_it_streams_and_nothing_is_kept(owner, source, client, settings):
    settings.MAST_MAX_UPLOAD_BYTES = 1024**2
    # Three times the limit, and larger than Django keeps in memory: it would go to a temporary file.
    response = upload(client, source.code, "huge.csv", b"x" * (3 * 1024**2))

    page = response.content.decode()
    assert "must be smaller than 1 MB" in page and "Select a file" not in page
    assert not Load.objects.exists()
