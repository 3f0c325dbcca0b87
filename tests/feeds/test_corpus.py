"""Every file in the broken-file corpus gets its documented outcome: never a crash, never a lost row."""

import pytest

from mast.feeds.models import Load
from mast.feeds.services import Confirmation, load_file, run_load, source_for_mapping
from tests.feeds.corpus import CASES, CORPUS_DIR


def test_the_corpus_has_at_least_thirty_broken_files_and_each_is_kept():
    assert len(CASES) >= 30
    assert sorted(p.name for p in CORPUS_DIR.iterdir()) == sorted(c.file_name for c in CASES)


@pytest.mark.parametrize(
    "case", [c for c in CASES if not c.file_name.endswith(".xlsx")], ids=lambda c: c.file_name
)
def test_the_kept_file_is_what_the_corpus_helper_makes(case):
    assert (CORPUS_DIR / case.file_name).read_bytes() == case.build()


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.file_name)
def test_each_broken_file_has_its_documented_outcome(case, test_mappings, tmp_path, monkeypatch):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    source = source_for_mapping(case.source)

    load = load_file(source, CORPUS_DIR / case.file_name).load

    expected = case.expected
    read = expected.loaded + expected.rejected
    if expected.status == Load.Status.LOADED and expected.rejected > 0.1 * read:
        # More than the default 10 % rejected: held, nothing applied, until the feed owner confirms it.
        assert load.status == Load.Status.HELD, load.message
        assert source.involvements.count() == 0
        assert load.rejected_rows.count() == expected.rejected
        load = run_load(load, CORPUS_DIR / case.file_name, confirmed=Confirmation(how="test")).load
    assert load.status == expected.status, load.message
    assert (load.rows_loaded, load.rows_rejected, load.rows_flagged) == (
        expected.loaded,
        expected.rejected,
        expected.flagged,
    )
    # Nothing is silently dropped: every row read is either loaded or rejected with a reason.
    assert load.rows_read == load.rows_loaded + load.rows_rejected
    assert load.rejected_rows.count() == load.rows_rejected
    if expected.status == Load.Status.REFUSED:
        assert expected.says in load.message
        assert source.involvements.count() == 0
    else:
        assert source.involvements.count() == expected.loaded
        if expected.says:
            assert expected.says in load.rejected_rows.first().reason
        assert_stored_as_promised(source, load, expected)


def assert_stored_as_promised(source, load, expected) -> None:
    """The rows loaded are the ones the case names, each with exactly the flags and values it promises: a
    flag alone does not do (an unknown restricted marker flagged but stored as not restricted shows details
    the partner meant to hide)."""
    stored = {i.record_id: i for i in source.involvements.select_related("partner_record")}
    assert len(expected.records) == expected.loaded, "the case names every record it loads"
    assert sorted(stored) == sorted(expected.records)
    flagged = {rid: set(i.flags) | set(i.partner_record.flags) for rid, i in stored.items()}
    assert flagged == {rid: set(expected.flags_of(rid)) for rid in stored}
    listed = sorted(f.record_id for f in load.flagged_rows.all())
    assert listed == sorted(rid for rid in stored if flagged[rid])  # what the feed owner's download lists
    for record_id, values in expected.stored.items():
        involvement = stored[record_id]
        for name, value in values.items():
            holder = involvement if hasattr(involvement, name) else involvement.partner_record
            assert getattr(holder, name) == value, f"{record_id}.{name}"
