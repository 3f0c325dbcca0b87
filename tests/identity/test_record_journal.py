"""The record store as a snapshot and a journal: a delta is appended, never a rewrite of every record, and
nothing is lost when the process dies between a delta and its compaction, or in the middle of compacting."""

import pyarrow.feather as feather
import pytest

from mast.feeds.models import PartnerRecord
from mast.feeds.services import load_file
from mast.identity import record_journal, record_store
from mast.identity.record_store import refreshed_records
from tests.feeds.conftest import write_feed
from tests.feeds.samples import GOOD_ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    path = tmp_path / "identity" / "records-v5.arrow"
    monkeypatch.setattr(record_store, "store_path", lambda: path)
    monkeypatch.setattr(record_store, "_last", None)
    return path


def rows_by_ref(table) -> dict[str, dict]:
    refs = dict(PartnerRecord.objects.values_list("pk", "person_ref"))
    return {refs[int(row["unique_id"])]: row for row in table.to_pylist()}


def as_a_new_process_reads_it(store) -> dict[str, dict]:
    """The store read from disk by a process that holds nothing in memory (one started after a crash)."""
    record_store._last = None
    return rows_by_ref(record_journal.read(store, record_store.STORE_SCHEMA).table)


def change(person_ref: str, given_name: str) -> int:
    record = PartnerRecord.objects.get(person_ref=person_ref)
    record.given_name = given_name
    record.save()  # a new timestamp: the store must redo it
    return record.pk


def make_deltas(source, store, tmp_path) -> None:
    """Three records loaded and stored, then three deltas: two corrections and a withdrawal."""
    load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))
    record_store.standardised_records()
    refreshed_records(changed=[change("N3", "Catherine")])
    refreshed_records(changed=[change("N2", "James")])
    PartnerRecord.objects.filter(person_ref="N1").update(
        removed_at=PartnerRecord.objects.get(person_ref="N2").updated_at
    )
    refreshed_records(changed=[change("N3", "Kate")])


def test_a_delta_is_appended_to_the_journal_and_the_snapshot_is_not_rewritten(source, store, tmp_path):
    load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))
    record_store.standardised_records()
    written = store.stat().st_mtime_ns, store.stat().st_ino

    refreshed = refreshed_records(changed=[change("N3", "Catherine")])

    assert (store.stat().st_mtime_ns, store.stat().st_ino) == written
    entries = record_journal.entry_paths(store)
    assert len(entries) == 1
    assert [row["given_name"] for row in feather.read_table(entries[0]).to_pylist()] == ["catherine"]
    assert rows_by_ref(refreshed.table)["N3"]["given_name"] == "catherine"


def test_killed_after_its_deltas_and_before_compaction_a_new_process_reads_every_delta(
    source, store, tmp_path
):
    make_deltas(source, store, tmp_path)

    rows = as_a_new_process_reads_it(store)

    assert set(rows) == {"N2", "N3"}  # N1 withdrawn
    assert rows["N2"]["given_name"] == "james" and rows["N3"]["given_name"] == "kate"
    assert len(record_journal.entry_paths(store)) == 3


def test_killed_after_the_new_snapshot_and_before_the_journal_is_emptied_nothing_is_applied_twice(
    source, store, tmp_path, monkeypatch
):
    make_deltas(source, store, tmp_path)
    expected = as_a_new_process_reads_it(store)

    def killed(self, missing_ok=False):
        raise SystemExit("killed while deleting the folded entries")

    with monkeypatch.context() as patched:
        patched.setattr(type(store), "unlink", killed)
        with pytest.raises(SystemExit):
            record_store.compact(store)

    assert len(record_journal.entry_paths(store)) == 3  # the entries are still there, and folded
    assert as_a_new_process_reads_it(store) == expected
    # The next compaction finishes the job.
    assert record_store.compact(store)
    assert record_journal.entry_paths(store) == []
    assert as_a_new_process_reads_it(store) == expected


def test_killed_while_writing_the_new_snapshot_the_old_one_and_every_delta_are_still_there(
    source, store, tmp_path, monkeypatch
):
    make_deltas(source, store, tmp_path)
    expected = as_a_new_process_reads_it(store)
    before = store.read_bytes()

    def killed(table, path, compression):
        path.with_name(f".{path.name}.partial.tmp").write_bytes(b"half a snapshot")
        raise SystemExit("killed while writing the snapshot")

    with monkeypatch.context() as patched:
        patched.setattr(record_journal, "_write_whole", killed)
        with pytest.raises(SystemExit):
            record_store.compact(store)

    assert store.read_bytes() == before
    assert as_a_new_process_reads_it(store) == expected


def test_compaction_keeps_the_records_a_process_holds_the_same_for_its_warm_linker(source, store, tmp_path):
    make_deltas(source, store, tmp_path)
    held = record_store._current(store)[0]

    assert record_store.compact(store)

    after, from_disk = record_store._current(store)
    assert not from_disk and after.token is held.token  # a warm linker mirroring it is still good
    assert rows_by_ref(after.table) == rows_by_ref(held.table)
    assert record_journal.entry_paths(store) == []


def test_a_push_while_its_own_process_compacts_keeps_the_same_records_for_its_warm_linker(
    source, store, tmp_path, monkeypatch
):
    """Compaction runs on a thread beside pushes. A push that looks at the store after the new snapshot is
    in place but before the compaction is done (entries half deleted) must not take it for another
    process's change: that read the store again and rebuilt the warm linker (seconds at a million)."""
    make_deltas(source, store, tmp_path)
    held = record_store._current(store)[0]
    seen = []
    write_snapshot = record_journal.write_snapshot

    def write_then_look(path, table, folded):
        write_snapshot(path, table, folded[:0])  # the snapshot renamed into place; no entry deleted yet
        (record_journal.journal_dir(path) / folded[0]).unlink()  # one deleted
        seen.append(record_store._current(store))
        write_snapshot(path, table, folded)

    monkeypatch.setattr(record_journal, "write_snapshot", write_then_look)
    assert record_store.compact(store)

    ((during, from_disk),) = seen
    assert not from_disk and during.token is held.token
    after, from_disk = record_store._current(store)
    assert not from_disk and after.token is held.token
    assert rows_by_ref(after.table) == rows_by_ref(held.table)


def test_a_push_whose_process_finished_compacting_meanwhile_keeps_the_records_for_its_warm_linker(
    source, store, tmp_path, monkeypatch
):
    """The compaction thread can finish between a push reading the store and the push's entry being
    written: the store is then the same records laid out anew. The push's delta goes on top of that, and
    the next push finds the records its warm linker mirrors, without reading the store again."""
    make_deltas(source, store, tmp_path)
    record_store._current(store)
    write_entry = record_journal.write_entry

    def compacted_first(path, entry):
        assert record_store.compact(path)  # finishes just before this push's entry is written
        write_entry(path, entry)

    monkeypatch.setattr(record_journal, "write_entry", compacted_first)
    pushed = refreshed_records(changed=[change("N2", "Jim")])
    monkeypatch.setattr(record_journal, "write_entry", write_entry)

    now, from_disk = record_store._current(store)
    assert not from_disk and now.token is pushed.state.token
    assert rows_by_ref(now.table)["N2"]["given_name"] == rows_by_ref(pushed.state.table)["N2"]["given_name"]
    assert rows_by_ref(now.table) == as_a_new_process_reads_it(store)
