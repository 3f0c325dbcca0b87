"""Matching quality on a held-out synthetic region: MAST's pipeline beside a plain Splink 5 model.

`python -m bench identity_quality` (part of `make bench`). The region (BENCH_QUALITY_PEOPLE people, 20,000 by
default, seed BENCH_QUALITY_SEED) is generated with a seed never used while tuning the matcher (tuning used
seeds 1, 3 and 4), its partner files read through their mappings as a load would, each partner person reduced
to one record (its latest involvement's details, as a load keeps them), and then matched twice, without a
database:

- **MAST**: `identity.offline.link_records`, the model, rules, possible matches and constrained clustering the
  server uses, given the family relationships the region's police and children's services record (as the
  server reads a relationships feed: people a partner records as related are never a possible match);
- **plain Splink**: Splink 5's default comparisons (`NameComparison` for each name, `DateOfBirthComparison`,
  `PostcodeComparison`, `ExactMatch` for sex and NHS number, `LevenshteinAtThresholds` on the first address
  line), blocked on the same fields as MAST, trained the same way (random sampling for u, EM on date-of-birth
  and whole-name blocks), linked at 0.9 and clustered as connected components; its pairs from 0.3 to 0.9 are
  its "review".

Both are scored against the region's truth: precision and recall of automatic links, recall of links plus
review, review size, F1, twins / siblings / same-named parent and child wrongly merged, and seconds. MAST's
report adds each error class and the possible-match reasons with the share truly one person.

Judged against issue 12's targets: MAST's automatic links precision ≥ 99.9 % and recall ≥ 99.0 %, linked or
in review ≥ 99.8 %; no twin, sibling or same-named parent and child merged, each class with at least 200
pairs; "possibly also recorded as" on at most 2 % of person pages; MAST's F1 at least the plain model's.
"""

import logging
import os
import tempfile
import time
from datetime import date
from pathlib import Path

PEOPLE = int(os.environ.get("BENCH_QUALITY_PEOPLE", "20000"))
SEED = int(os.environ.get("BENCH_QUALITY_SEED", "2611"))
AS_OF = date(2026, 11, 24)
ROOT = Path(__file__).resolve().parent.parent


def region(people: int, seed: int) -> Path:
    from mast.synth.region import generate

    out = ROOT / "var" / "bench" / f"quality-{people}-seed{seed}"
    if not (out / "manifest.json").exists():
        print(f"generating a region of {people:,} people, seed {seed} (once), in {out}", flush=True)
        generate(people, seed, out, AS_OF)
    return out


def partner_records(out: Path) -> dict[str, dict]:
    from mast.synth.canonical import partner_records as read

    return read(out, AS_OF)


def relationships(out: Path) -> list[tuple[str, str]]:
    from mast.synth.canonical import relationships as read

    return read(out)


def truth(out: Path):
    from mast.synth.canonical import truth as read

    return read(out)


def mast(records: dict[str, dict], related: list[tuple[str, str]] = ()):
    from mast.identity.matching.offline import link_records

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as models:
        linked = link_records(records, models_dir=Path(models), relationships=related)
    seconds = time.perf_counter() - started
    cluster_of = linked.clustering.cluster_of()
    reasons = {frozenset(key): reason for key, (_pair, reason) in linked.review.items()}
    strongest = sorted(linked.review.items(), key=lambda item: -item[1][0].probability)
    return cluster_of, reasons, seconds, strongest


def plain_splink(records: dict[str, dict]):
    """A Splink 5 model as its documentation sets one up: default comparisons, no rules of MAST's."""
    import duckdb
    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    from bench.plain_splink import settings as plain_settings
    from mast.identity.matching.fellegi_sunter import (
        PRIOR_RECALL,
        PRIOR_RULES,
        TRAINING_BLOCKS,
    )
    from mast.identity.matching.standardise import standardise

    started = time.perf_counter()
    rows = []
    for key, record in records.items():
        s = standardise(record)
        rows.append(
            {
                "unique_id": key,
                "given_name": s["given_name"],
                "family_name": s["family_name"],
                "dob": s["dob"],
                "birth_year": s["birth_year"],
                "sex": s["sex"],
                "nhs_number": s["nhs_number"],
                "postcode": s["postcode"],
                "outcode": s["outcode"],
                "address_line_1": (record.get("address_line_1") or "").lower() or None,
                "address_key": s["address_key"],
                "house_number": s["house_number"],
                "street": s["street"],
                "given_name_dm": s["given_name_dm"],
                "family_name_dm": s["family_name_dm"],
                "given_name_groups": s["given_name_groups"],
            }
        )
    connection = duckdb.connect()
    connection.register("records_arrow", pa.Table.from_pylist(rows))
    connection.execute("CREATE TABLE records AS SELECT * FROM records_arrow")
    db_api = DuckDBAPI(connection=connection)
    settings = plain_settings("address_line_1")
    linker = Linker(db_api.register("records", table_name="plain_records"), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(PRIOR_RULES, recall=PRIOR_RECALL)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(2e6, max(1e5, len(rows) * 20)), seed=1)
    for block in TRAINING_BLOCKS:
        linker.training.estimate_parameters_using_expectation_maximisation(block, max_pairs=1e6)
    predictions = linker.inference.predict(threshold_match_probability=0.3)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    cluster_of = dict(
        connection.execute(f"SELECT unique_id, cluster_id FROM {clusters.physical_name}").fetchall()  # noqa: S608
    )
    review = connection.execute(
        f"SELECT unique_id_l, unique_id_r FROM {predictions.physical_name} "  # noqa: S608
        "WHERE match_probability < 0.9"
    ).fetchall()
    seconds = time.perf_counter() - started
    return cluster_of, {frozenset(pair): "between 0.3 and 0.9" for pair in review}, seconds


def report(name: str, result, truth_records, people):
    from mast.identity.matching.evaluation import evaluate

    cluster_of, reasons, seconds = result[:3]
    scored = evaluate(truth_records, cluster_of, [tuple(p) for p in reasons], people, reasons)
    print(
        f"{name}: precision {scored.precision:.4%}, recall {scored.recall:.4%}, "
        f"linked or in review {scored.recall_with_review:.4%}, F1 {scored.f1:.4%}, "
        f"review {scored.review_pairs:,} pairs, wrongly merged {scored.wrong_links}, {seconds:.1f} s",
        flush=True,
    )
    if name == "MAST":
        for line in scored.lines()[2:]:
            print(line)
        strongest = result[3][:100]
        if strongest:
            true = sum(
                truth_records[a].person_id == truth_records[b].person_id
                for (a, b), _value in strongest
                if a in truth_records and b in truth_records
            )
            print(f"  review queue: {true} of the {len(strongest)} strongest pairs are truly one person")
        shares = {}
        for kind, pairs in (
            ("a possible match", [item for item in result[3] if item[1][1] == item[1][0].possible]),
            ("any pair in review", result[3]),
        ):
            pages = _pages_with_possible(cluster_of, pairs)
            shares[kind] = pages[2]
            print(f"  person pages with {kind}: {pages[0]:,} of {pages[1]:,} ({pages[2]:.2%})")
        # The person page shows "possibly also recorded as" for every undecided pair (people/possible.py), not
        # only the possible matches: that is the share a practitioner meets, and the one judged.
        return scored, shares["any pair in review"]
    return scored, None


def judge_mast(judge, mast, pages_with_possible: float, plain) -> None:
    judge.percent_at_least("identity: automatic links' precision", mast.precision, 99.9)
    judge.percent_at_least("identity: automatic links' recall", mast.recall, 99.0)
    judge.percent_at_least("identity: linked or in review", mast.recall_with_review, 99.8)
    for kind, wrong in mast.wrong_links.items():
        judge.at_least(f"identity: {kind} pairs in the region", mast.pairs_of_kind[kind], 200, "pairs")
        judge.at_most(f"identity: {kind} merged automatically", wrong, 0, "pairs")
    judge.at_most(
        'identity: person pages showing "possibly also recorded as"',
        round(pages_with_possible * 100, 3),
        2,
        "%",
    )
    judge.at_least(
        "identity: MAST's F1 less plain Splink's", round((mast.f1 - plain.f1) * 100, 4), 0, "points"
    )


def _pages_with_possible(cluster_of: dict, review) -> tuple[int, int, float]:
    people = set(cluster_of.values())
    flagged = {cluster_of[key] for (a, b), _value in review for key in (a, b)}
    return len(flagged), len(people), len(flagged) / len(people) if people else 0.0


def run(judge) -> None:
    import django

    # Splink narrates every training step; the figures are what this bench is for.
    logging.getLogger("splink").setLevel(logging.ERROR)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mast.config.settings")
    django.setup()
    from mast.identity.matching.paused_gc import paused_gc

    out = region(PEOPLE, SEED)
    records = partner_records(out)
    truth_records, people = truth(out)
    print(f"held-out region: {PEOPLE:,} people, seed {SEED}: {len(records):,} partner records", flush=True)
    with paused_gc():
        scored, pages_with_possible = report("MAST", mast(records, relationships(out)), truth_records, people)
    plain, _ = report("plain Splink 5", plain_splink(records), truth_records, people)
    judge_mast(judge, scored, pages_with_possible, plain)
