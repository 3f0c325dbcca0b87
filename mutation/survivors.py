"""The mutants that survived `make mutate`, area by area: where, which change, and the diff, for the list in
docs/testing.md. `python mutation/survivors.py AREA...` reads var/mutate/AREA.sqlite.

`--forget AREA...` marks an area's survivors as not yet run, so that the next `make mutate` tries them again
against the tests written to kill them (mutation/run.sh does this when MUTATE_RETRY=1)."""

import sqlite3
import sys
from pathlib import Path

from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome

SESSIONS = Path(__file__).resolve().parent.parent / "var" / "mutate"


def main(areas: list[str]) -> None:
    for area in areas:
        with use_db(str(SESSIONS / f"{area}.sqlite"), WorkDB.Mode.open) as db:
            done = [(i, r) for i, r in db.completed_work_items if r.worker_outcome != WorkerOutcome.SKIPPED]
            skipped = len(list(db.completed_work_items)) - len(done)
            survived = [
                (item, result) for item, result in done if result.test_outcome == TestOutcome.SURVIVED
            ]
            pending = db.num_work_items - len(done) - skipped
        print(
            f"== {area}: {len(done)} mutants run, {len(survived)} survived, {pending} not yet run, "
            f"{skipped} filtered out =="
        )
        for item, result in sorted(
            survived, key=lambda pair: (str(pair[0].mutations[0].module_path), pair[0].mutations[0].start_pos)
        ):
            mutation = item.mutations[0]
            print(
                f"{mutation.module_path}:{mutation.start_pos[0]} {mutation.operator_name} ({item.job_id[:8]})"
            )
            diff = [
                line
                for line in (result.diff or "").splitlines()
                if line[:1] in "+-" and line[:3] not in ("---", "+++")
            ]
            print("    " + "\n    ".join(diff))


def forget(areas: list[str]) -> None:
    for area in areas:
        with sqlite3.connect(SESSIONS / f"{area}.sqlite") as session:
            gone = session.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'").rowcount
        print(f"{area}: {gone} survivor(s) to run again")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--forget"]:
        forget(sys.argv[2:])
    else:
        main(sys.argv[1:])
