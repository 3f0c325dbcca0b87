"""`make bench`: run MAST's benchmarks, print their figures, and judge each figure that has a target.

Run one with `python -m bench NAME`; names are the modules listed in BENCHMARKS. Each target is printed PASS
or FAIL as it is measured, a summary follows, and the exit status is 1 when any target was missed or a
benchmark could not finish (so `make bench` fails).
"""

import importlib
import sys
import traceback

from bench.judge import Judge

BENCHMARKS = (
    "feeds",
    "streaming",
    "synth",
    "standardise",
    "spark",
    "linkage",
    "identity_quality",
    "practice",
    "search",
    "api_push",
    "warm_linkage",
    "analytics",
    "audit_log",
    "load",
)


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    judge = Judge()
    for name in names:
        print(f"== bench: {name} ==", flush=True)
        try:
            importlib.import_module(f"bench.{name}").run(judge)
            finished = True
        except (Exception, SystemExit):
            traceback.print_exc()
            finished = False
        judge.holds(f"{name}: the benchmark ran to the end", finished)
    print("== bench: summary ==")
    print(judge.summary(), flush=True)
    return judge.exit_code()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
