"""Who is who: running the matcher over partner records and keeping MAST's people, links and review queue.

Splink scores pairs; it does not cluster incrementally, and its cluster ids are not stable. So MAST keeps its
own `Person` and `PersonLink` tables and, after each run, maps the new clusters onto the old people:

- a cluster keeps the person most of its records already belonged to, so a person's id survives re-runs;
- a person whose records now sit in another person's cluster is merged into it (recorded as an event);
- records of one person that now form a cluster of their own become a new person (a split, recorded);
- reviewers' decisions are applied before any model link, so a human decision always wins.

After a feed load only the people the new records touch are re-clustered (`resolve_records`); `resolve_all`
re-runs everything (`mast identity`).
"""

import gc
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from mast.feeds.bulk import (
    JsonText,
    insert_rows,
    random_uuid_hex,
    refresh_statistics,
    roomy_cache,
    timed_commit,
    update_rows,
)
from mast.identity import model_files, warm_linker
from mast.identity.matching import engine_settings
from mast.identity.matching.ages_served import the_child_in
from mast.identity.matching.bulk_clustering import Components, cluster_in_bulk
from mast.identity.matching.linkage import Linker, ScoredPair
from mast.identity.matching.paused_gc import paused_gc
from mast.identity.matching.possible import CHILD_OR_NAMESAKE_PARENT, told_apart_in
from mast.identity.matching.triage import triage
from mast.identity.models import IdentityEvent, MatchCandidate, MatchDecision, Person, PersonLink
from mast.identity.record_store import refreshed_records, standardised_records
from mast.identity.related import related_records, services_seen, whole_date
from mast.identity.search import index as search_index

BATCH = 2000
NO_EXPLANATION = JsonText("[]")  # a reviewer's link or a record on its own: no model evidence
CHUNK = 20_000  # ids per query: under SQLite's limit on bound parameters
Progress = Callable[[str], None]


@dataclass
class ResolutionSummary:
    records: int = 0
    people_created: int = 0
    merged: int = 0
    split: int = 0
    links_changed: int = 0
    review_open: int = 0
    model_version: str = ""
    # Each stage's seconds, in the order run, and the whole call's: the stages are meant to account for all
    # of it (a stage left out of them once hid a quarter of a delta's time; tests/identity checks the sum).
    seconds: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.records:,} records resolved: {self.people_created:,} new people, "
            f"{self.merged:,} merged, {self.split:,} split, {self.links_changed:,} links changed, "
            f"{self.review_open:,} pairs to review (model {self.model_version})"
        )

    def timings(self) -> str:
        """The time taken and where it went, stage by stage, with any part no stage accounts for."""
        stages = ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in self.seconds.items())
        unaccounted = self.total_seconds - sum(self.seconds.values())
        rest = f", other {unaccounted:.2f} s" if unaccounted >= 0.005 else ""
        return f"took {self.total_seconds:.2f} s: {stages}{rest}"


def resolve_all(*, retrain: bool = False, progress: Progress | None = None) -> ResolutionSummary:
    """Match every active partner record afresh (training the model first if there is none, or if asked)."""
    started = time.perf_counter()
    with paused_gc():
        summary = _resolve_all(retrain, progress)
        collecting = time.perf_counter()
    return _collected(summary, started, collecting)


def _resolve_all(retrain: bool, progress: Progress | None) -> ResolutionSummary:
    progress = progress or (lambda message: None)
    # The full run builds its own linker over every record: the warm one's memory is better given to it.
    warm_linker.forget()
    started = time.perf_counter()
    table = standardised_records()
    seconds = {"standardise": time.perf_counter() - started}
    if table.num_rows == 0:
        return ResolutionSummary(seconds=seconds)
    started = time.perf_counter()
    linker, components = _full_run_engine(table, retrain, progress)
    # Building the linker includes training when asked: that part is the linker's own "train" stage.
    seconds["linker_setup"] = time.perf_counter() - started - linker.timings.seconds.get("train", 0.0)
    try:
        pairs = linker.predict()
        started = time.perf_counter()
        ids = [int(i) for i in table.column("unique_id").to_pylist()]
        facts = linker.record_facts(ids)
    finally:
        # What clustering needs of the linker from here is the model, not DuckDB: its copy of the records and
        # what scoring left in its memory (most of a gigabyte at a million records) go before the pairs
        # are clustered, rather than sit beside them.
        linker.close()
    read_facts = {"record_facts": time.perf_counter() - started}
    committed: dict[str, float] = {}
    with roomy_cache():  # a million people, links and keys written: SQLite's cache, not its disk
        with timed_commit(committed, "commit"):
            summary = _apply(ids, pairs, linker, progress, components, facts=facts)
        summary.seconds.update(committed)
        del pairs, facts  # the scored pairs are the run's largest Python object: gone before indexing
        summary.seconds.update(search_index.index_records(None, table=table).seconds)
        started = time.perf_counter()
        # Every table matching writes has changed size: the planner's statistics with them (ADR 0042).
        refresh_statistics()
        summary.seconds["statistics"] = time.perf_counter() - started
    summary.seconds = {**seconds, **linker.timings.seconds, **read_facts, **summary.seconds}
    return summary


def _full_run_engine(table, retrain: bool, progress: Progress):
    """The linker and the connected components for a full run on the configured engine (MAST_MATCHING_ENGINE,
    docs/scale.md): DuckDB and SciPy on this machine, or Spark. Either gives the same people."""
    models_dir = model_files.models_dir()
    if engine_settings.engine() == "spark":
        from mast.identity.matching.spark_clustering import spark_components
        from mast.identity.matching.spark_linkage import SparkLinker
        from mast.identity.matching.spark_session import spark_session

        spark = spark_session()
        linker = SparkLinker(table, spark=spark, models_dir=models_dir, retrain=retrain, progress=progress)
        return linker, spark_components(spark)
    return Linker(table, models_dir=models_dir, retrain=retrain, progress=progress), None


def resolve_records(record_ids: list[int], progress: Progress | None = None) -> ResolutionSummary:
    """Match new and changed partner records against everyone, re-clustering only the people they touch."""
    started = time.perf_counter()
    with paused_gc():
        summary = _resolve_records(record_ids, progress)
        collecting = time.perf_counter()
    return _collected(summary, started, collecting)


def _collected(summary: ResolutionSummary, started: float, collecting: float) -> ResolutionSummary:
    """The summary of a run begun at `started`, once the collector has made its pass over what the run
    allocated while it was paused (paused_gc), from `collecting`, the pause's end. The first allocation
    after the pause makes that pass anyway (a tenth of a second on a few hundred records, in a test
    process): made here, it is a stage of the run, not hidden in the caller's next line. Not when the
    caller has the collector paused itself: then the pass is the caller's to defer."""
    if gc.isenabled():
        gc.collect(0)
    summary.seconds["collector"] = time.perf_counter() - collecting
    summary.total_seconds = time.perf_counter() - started
    return summary


def _resolve_records(record_ids: list[int], progress: Progress | None) -> ResolutionSummary:
    progress = progress or (lambda message: None)
    if not record_ids:
        return ResolutionSummary()
    started = time.perf_counter()
    refreshed = refreshed_records(changed=record_ids)
    seconds = {"standardise": time.perf_counter() - started}
    # The fresh rows are these records' standardised rows: no need to put every record's together.
    table = refreshed.table if refreshed.fresh is None else refreshed.fresh
    # Which of them are still active: the fresh rows say, without a pass over a million ids.
    present = set(table.column("unique_id").to_pylist())
    new_ids = [str(i) for i in record_ids if str(i) in present]
    if not new_ids:
        return ResolutionSummary(seconds=seconds)
    # The process's warm linker, changed by this delta, or built afresh when it cannot be trusted
    # (identity/warm_linker.py): the same pairs either way, without paying a cold start for every push.
    with warm_linker.linker_for(refreshed, progress) as linker:
        pairs = linker.predict_between(new_ids)
        started = time.perf_counter()
        scope = _scope([int(i) for i in new_ids], pairs)
        rescoring = {"scope": time.perf_counter() - started}
        started = time.perf_counter()
        # The pairs among everyone the delta touches, scored afresh: the people it touches are re-clustered
        # on all their pairs, not only on those with the new records.
        pairs = linker.predict_within([str(i) for i in scope])
        rescoring["rescore"] = time.perf_counter() - started
        committed: dict[str, float] = {}
        with timed_commit(committed, "commit"):
            summary = _apply(sorted(scope), pairs, linker, progress)
    summary.seconds.update(committed)
    summary.seconds.update(search_index.index_records(record_ids, table=table).seconds)
    summary.seconds = {**seconds, **linker.timings.seconds, **rescoring, **summary.seconds}
    return summary


def resolve_removed(record_ids: list[int], changed: list[int] = ()) -> ResolutionSummary:
    """Match again the people these records belonged to, now that their partner has withdrawn them: a person
    held together only by a withdrawn record comes apart, and its remaining records' links no longer rest on
    a match with it. The withdrawn records leave the matcher's store; their own links stay, for an undo,
    but no page shows a withdrawn record. `changed`: new and changed records matched in the same pass (a
    file load that both brings and removes records: one pass, so the two cannot disagree)."""
    people = set(
        PersonLink.objects.filter(partner_record_id__in=record_ids).values_list("person_id", flat=True)
    )
    remaining = PersonLink.objects.filter(person_id__in=people, partner_record__removed_at__isnull=True)
    summary = resolve_records(
        sorted({*changed, *record_ids, *remaining.values_list("partner_record_id", flat=True)})
    )
    # A withdrawn record is no one's: its undecided pairs are not asked about, shown on a person's page or
    # counted in a feed's backlog. Matching leaves them alone (the record has left its store), so they are
    # closed here; an undo of the load matches the record again and reopens any still in doubt.
    for column in ("record_a_id__in", "record_b_id__in"):
        for start in range(0, len(record_ids), BATCH):
            MatchCandidate.objects.filter(
                status=MatchCandidate.Status.OPEN, **{column: record_ids[start : start + BATCH]}
            ).update(status=MatchCandidate.Status.SUPERSEDED, updated_at=timezone.now())
    return summary


def _scope(new_ids: list[int], pairs: list[ScoredPair]) -> set[int]:
    """The new records and every current record of every person they might belong to or be confused with.
    A withdrawn record still linked to one of them is not matched again (it would become a person alone)."""
    touched = set(new_ids)
    touched.update(int(p.left) for p in pairs)
    touched.update(int(p.right) for p in pairs)
    people = set(PersonLink.objects.filter(partner_record_id__in=touched).values_list("person_id", flat=True))
    scope = set(touched)
    scope.update(
        PersonLink.objects.filter(person_id__in=people, partner_record__removed_at__isnull=True).values_list(
            "partner_record_id", flat=True
        )
    )
    return scope


def _decisions(ids: set[int]) -> dict[tuple[int, int], bool]:
    """The latest reviewer decision on each pair within these records."""
    latest: dict[tuple[int, int], bool] = {}
    # Decisions are few (people make them by hand): read them all rather than send a million ids.
    for a, b, same in MatchDecision.objects.order_by("decided_at", "pk").values_list(
        "record_a_id", "record_b_id", "same_person"
    ):
        if a in ids and b in ids:
            latest[(a, b)] = same
    return latest


def _apply(
    ids: list[int],
    pairs: list[ScoredPair],
    linker: Linker,
    progress: Progress,
    components: Components | None = None,
    facts: dict | None = None,
) -> ResolutionSummary:
    """Cluster these records by their scored pairs and write the people, links and review queue, inside the
    caller's transaction (timed_commit: its commit is a stage of its own). `facts`:
    `linker.record_facts(ids)`, read already when the linker has let its records go (a full run)."""
    started = time.perf_counter()
    progress(f"clustering {len(ids):,} records")
    id_set = set(ids)
    decisions = _decisions(id_set)
    in_scope = [p for p in pairs if int(p.left) in id_set and int(p.right) in id_set]
    if facts is None:
        facts = linker.record_facts(ids)
    sorted_pairs = triage(in_scope, key=int, skip=decisions.keys(), the_child=_the_child(in_scope, facts))
    links, best = sorted_pairs.links, sorted_pairs.best
    must = [key for key, same in decisions.items() if same]
    cannot = sorted_pairs.cannot + [key for key, same in decisions.items() if not same]
    current = {r: person for r, (_pk, person, _m, _p) in _links_of(ids).items()}

    def together_now(a: int, b: int) -> bool:
        return a in current and current.get(a) == current.get(b)

    # Among equally strong links, those that keep today's people together go first: a re-run moves nobody.
    born = {record: dob for record, (dob, _number, _source) in facts.items() if dob}
    numbers = {record: number for record, (_dob, number, _source) in facts.items() if number}
    # The same people as clustering.cluster, in bulk: only components where a rule bites go link by link.
    clustering = cluster_in_bulk(
        ids, links, cannot, must, prefer=together_now, born=born, numbers=numbers, components=components
    )
    sorted_pairs.after_clustering(clustering, _told_apart(clustering, sorted_pairs, facts, decisions))
    review = sorted_pairs.review

    summary = ResolutionSummary(records=len(ids), model_version=linker.model.version)
    cluster_people = _assign_people(clustering.clusters, current, summary)
    _write_links(clustering.clusters, cluster_people, best, links, must, linker, summary)
    _write_review(id_set, review, linker, summary)
    summary.seconds["cluster_and_persist"] = time.perf_counter() - started
    return summary


def _the_child(pairs: list[ScoredPair], facts: dict):
    """triage's `the_child` for this run: the services of only the records held back from a same-named
    child (a few), read from their involvements."""
    held = {int(r) for p in pairs if p.possible == CHILD_OR_NAMESAKE_PARENT for r in (p.left, p.right)}
    seen = services_seen({record: facts[record][0] for record in held if record in facts})
    born = {record: born for record, (born, _seen) in seen.items()}
    for record in held - born.keys():
        born[record] = whole_date(facts.get(record, (None,))[0])
    return the_child_in(born, {record: kinds for record, (_born, kinds) in seen.items()})


def _told_apart(clustering, sorted_pairs, facts: dict, decisions: dict):
    """`possible.told_apart` for the possible pairs of this run. Only the people those pairs touch are looked
    at: a handful, not the million."""
    cluster_of = clustering.cluster_of()
    possible = [key for key, (pair, reason) in sorted_pairs.review.items() if reason == pair.possible]
    if not possible:
        return lambda a, b: False
    wanted = {cluster_of[record] for key in possible for record in key}
    members = [record for index in wanted for record in clustering.clusters[index]]
    different = [key for key, same in decisions.items() if not same]
    # told_apart_in reads (NHS number, source): the facts without the date of birth.
    return told_apart_in(
        clustering,
        {record: facts[record][1:] for record in members},
        different,
        related_records(members),
        services_seen({record: facts[record][0] for record in members}),
    )


def _assign_people(
    clusters: list[set[int]], current: dict[int, int], summary: ResolutionSummary
) -> list[int]:
    """The person for each cluster: the one most of its records already had, else a new person."""
    overlap = Counter(
        (index, current[r]) for index, members in enumerate(clusters) for r in members if r in current
    )
    chosen: dict[int, int] = {}
    used: set[int] = set()
    for (index, person), _count in sorted(overlap.items(), key=lambda item: (-item[1], item[0][1])):
        if index not in chosen and person not in used:
            chosen[index] = person
            used.add(person)
    missing = [i for i in range(len(clusters)) if i not in chosen]
    for index, person in zip(missing, _create_people(len(missing)), strict=True):
        chosen[index] = person
    summary.people_created = len(missing)

    people = [chosen[i] for i in range(len(clusters))]
    # Where did each previous person's records go? Record merges and splits.
    moved: dict[int, Counter] = defaultdict(Counter)
    for index, members in enumerate(clusters):
        for record in members:
            if record in current:
                moved[current[record]][people[index]] += 1
    events, merged = [], []
    for old_person, destinations in moved.items():
        if old_person not in used:
            target = destinations.most_common(1)[0][0]
            merged.append((old_person, target))
            events.append(
                IdentityEvent(kind=IdentityEvent.Kind.MERGED, person_id=target, other_person_id=old_person)
            )
        elif len(destinations) > 1:
            for new_person in destinations:
                if new_person != old_person:
                    events.append(
                        IdentityEvent(
                            kind=IdentityEvent.Kind.SPLIT, person_id=old_person, other_person_id=new_person
                        )
                    )
                    summary.split += 1
    for old_person, target in merged:
        Person.objects.filter(pk=old_person).update(status=Person.Status.MERGED, merged_into_id=target)
    summary.merged = len(merged)
    IdentityEvent.objects.bulk_create(events, batch_size=BATCH)
    return people


def _links_of(records: list[int]) -> dict[int, tuple[int, int, str, float | None]]:
    """record -> (link id, person, method, probability) for these records' current links."""
    columns = ("partner_record_id", "pk", "person_id", "method", "match_probability")
    if len(records) > 100_000:
        # Most of the table: one pass over it is quicker than many long lists of ids.
        wanted = set(records)
        rows = (row for row in PersonLink.objects.values_list(*columns) if row[0] in wanted)
    else:
        rows = (
            row
            for start in range(0, len(records), CHUNK)
            for row in PersonLink.objects.filter(
                partner_record_id__in=records[start : start + CHUNK]
            ).values_list(*columns)
        )
    return {row[0]: row[1:] for row in rows}


def _create_people(count: int) -> list[int]:
    """Insert `count` new people and return their ids, fast enough for a first run over a million records."""
    if not count:
        return []
    # A timestamp of this call's own marks its rows, so one query finds their ids. The people are new and
    # alike, so which id goes to which cluster does not matter: no need to read their public ids back.
    now = timezone.now()
    # Ids only grow: the new rows lie above today's highest, so the lookup reads them and not every person
    # (created_at has no index; a push creating one person scanned 700,000 of them).
    highest = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    insert_rows(
        Person,
        ("public_id", "status", "created_at", "updated_at"),
        ((public_id, Person.Status.ACTIVE, now, now) for public_id in random_uuid_hex(count)),
    )
    ids = list(
        Person.objects.filter(pk__gt=highest, created_at=now).order_by("pk").values_list("pk", flat=True)
    )
    if len(ids) != count:
        raise RuntimeError(f"made {count:,} people but found {len(ids):,} with this run's timestamp")
    return ids


def _write_links(clusters, people, best, links, must, linker: Linker, summary: ResolutionSummary) -> None:
    in_cluster = {r: index for index, members in enumerate(clusters) for r in members}
    strongest: dict[int, tuple[float, tuple[int, int]]] = {}
    for a, b, probability in links:
        if in_cluster[a] == in_cluster[b]:
            for record in (a, b):
                if probability > strongest.get(record, (-1.0, None))[0]:
                    strongest[record] = (probability, (a, b))
    manual = {r for pair in must for r in pair}
    existing = _links_of(list(in_cluster))
    now = timezone.now()
    version = linker.model.version
    to_create, to_update = [], []
    moved = 0
    for record, index in in_cluster.items():
        person = people[index]
        # The pair whose evidence explains the link, or None; its explanation is made as the row is written,
        # so a million of them (a kilobyte each) are never held at once.
        key = None
        if record in manual:
            method, probability = PersonLink.Method.MANUAL, None
        elif record in strongest:
            probability, key = strongest[record]
            method = PersonLink.Method.NHS_NUMBER if best[key].nhs_agrees else PersonLink.Method.MODEL
        else:
            method, probability = PersonLink.Method.SINGLETON, None
        link = existing.get(record)
        if link is None:
            to_create.append((record, person, method, probability, key))
            continue
        link_pk, old_person, old_method, old_probability = link
        if (old_person, old_method) != (person, method) or not _same_probability(
            old_probability, probability
        ):
            moved += old_person != person
            to_update.append((person, method, probability, key, link_pk))

    def explanation(key):
        return NO_EXPLANATION if key is None else JsonText(linker.explain_json(best[key]))

    insert_rows(
        PersonLink,
        (
            "partner_record",
            "person",
            "method",
            "match_probability",
            "model_version",
            "explanation",
            "created_at",
            "updated_at",
        ),
        ((r, p, m, prob, version, explanation(key), now, now) for r, p, m, prob, key in to_create),
    )
    update_rows(
        PersonLink,
        ("person", "method", "match_probability", "model_version", "explanation", "updated_at"),
        ((p, m, prob, version, explanation(key), now, pk) for p, m, prob, key, pk in to_update),
    )
    # New links, and records that moved to another person (a refreshed score is not a change of person).
    summary.links_changed = len(to_create) + moved


def _same_probability(old: float | None, new: float | None) -> bool:
    # Scores from a full run and an incremental one differ in the last bits of a float.
    return (old is None) == (new is None) and (old is None or abs(old - new) < 1e-6)


def _write_review(ids: set[int], review: dict, linker: Linker, summary: ResolutionSummary) -> None:
    """Open a candidate for each pair to review; candidates no longer in doubt are superseded."""
    now = timezone.now()
    version = linker.model.version
    undecided = MatchCandidate.objects.exclude(status=MatchCandidate.Status.DECIDED)
    if len(ids) <= CHUNK:
        # A push's few records: their candidates through the index, not every candidate in the region.
        ordered = sorted(ids)
        rows = (
            row
            for start in range(0, len(ordered), BATCH)
            for row in undecided.filter(record_a_id__in=ordered[start : start + BATCH]).values_list(
                "pk", "record_a_id", "record_b_id", "status"
            )
        )
    else:
        rows = undecided.values_list("pk", "record_a_id", "record_b_id", "status")
    known = {(a, b): (pk, status) for pk, a, b, status in rows if a in ids and b in ids}
    superseded = [
        (MatchCandidate.Status.SUPERSEDED, now, pk)
        for key, (pk, status) in known.items()
        if status == MatchCandidate.Status.OPEN and key not in review
    ]
    to_create, to_update = [], []
    for (a, b), (pair, reason) in review.items():
        values = (pair.probability, pair.match_weight, linker.explain(pair), reason, version)
        if (a, b) in known:
            to_update.append((*values, MatchCandidate.Status.OPEN, now, known[(a, b)][0]))
        else:
            to_create.append((a, b, *values, MatchCandidate.Status.OPEN, now, now))
    fields = ("match_probability", "match_weight", "explanation", "reason", "model_version", "status")
    update_rows(MatchCandidate, ("status", "updated_at"), superseded)
    update_rows(MatchCandidate, (*fields, "updated_at"), to_update)
    insert_rows(MatchCandidate, ("record_a", "record_b", *fields, "created_at", "updated_at"), to_create)
    summary.review_open = len(review)
