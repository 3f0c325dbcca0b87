"""`make bench`: run MAST's benchmarks and print their figures. Never part of the test suite.

Run one with `python -m bench NAME`; names are the modules listed in BENCHMARKS.
"""

import importlib
import sys

BENCHMARKS = ("feeds", "streaming", "synth", "linkage", "identity_quality", "practice", "search", "analytics")


def main(argv: list[str]) -> None:
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    for name in names:
        print(f"== bench: {name} ==", flush=True)
        importlib.import_module(f"bench.{name}").run()


if __name__ == "__main__":
    main(sys.argv[1:])
