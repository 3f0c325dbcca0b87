"""`make bench` judges its figures: a target missed prints FAIL and makes the run exit non-zero."""

import sys
import types

import pytest

from bench import __main__ as bench_main
from bench.feeds import loaded_per_second
from bench.judge import Judge, Verdict


def test_a_figure_on_its_target_passes_and_one_past_it_fails():
    lines = []
    judge = Judge(say=lines.append)

    judge.at_most("linkage incremental", 15.0, 15, "s")
    judge.at_most("linkage full run", 300.1, 300, "s")
    judge.at_least("feeds [sqlite] first load: rows loaded per second", 5_000, 5_000, "rows/s")
    judge.at_least("feeds [postgresql] daily reload: rows loaded per second", 4_999.5, 5_000, "rows/s")

    assert [line.split()[0] for line in lines] == ["PASS", "FAIL", "PASS", "FAIL"]
    assert lines[1] == "FAIL  linkage full run: 300.1 s (target ≤ 300 s)"
    assert (
        lines[2]
        == "PASS  feeds [sqlite] first load: rows loaded per second: 5,000 rows/s (target ≥ 5,000 rows/s)"
    )
    assert [v.what for v in judge.missed] == [
        "linkage full run",
        "feeds [postgresql] daily reload: rows loaded per second",
    ]
    assert judge.exit_code() == 1
    assert judge.summary().splitlines()[0] == "targets met: 2 of 4"


def test_shares_and_yes_or_no_targets():
    judge = Judge(say=lambda _line: None)
    assert judge.percent_at_least("precision", 0.99905, 99.9).passed
    assert not judge.percent_at_least("recall", 0.98999, 99.0).passed
    assert judge.holds("the benchmark ran to the end", True).passed
    assert not judge.holds("the benchmark ran to the end", False).passed
    assert Verdict("twins merged", 0, 0, at_most=True).passed
    assert not Verdict("twins merged", 1, 0, at_most=True).passed


def test_all_targets_met_exits_zero():
    judge = Judge(say=lambda _line: None)
    judge.at_most("search p95", 149, 150, "ms")
    assert judge.exit_code() == 0
    assert judge.summary() == "targets met: 1 of 1"


def test_a_load_that_was_held_or_refused_loaded_nothing_however_fast_it_read():
    fast = {"status": "loaded", "rows": 100_000, "loaded": 100_000, "seconds": 10.0}
    assert loaded_per_second(fast) == 10_000
    assert loaded_per_second({**fast, "status": "held"}) == 0
    assert loaded_per_second({**fast, "loaded": 40_000}) == 4_000


@pytest.fixture
def benches(monkeypatch):
    def add(name, run):
        module = types.ModuleType(f"bench.{name}")
        module.run = run
        monkeypatch.setitem(sys.modules, f"bench.{name}", module)
        return name

    monkeypatch.setattr(bench_main, "BENCHMARKS", ("quick", "slow", "broken"))
    add("quick", lambda judge: judge.at_most("quick: p95", 100, 150, "ms"))
    add("slow", lambda judge: judge.at_most("slow: p95", 151, 150, "ms"))
    add("broken", lambda judge: 1 / 0)


def test_make_bench_exits_non_zero_when_a_target_is_missed(benches, capsys):
    assert bench_main.main(["quick"]) == 0
    assert bench_main.main(["quick", "slow"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  slow: p95: 151 ms (target ≤ 150 ms)" in out
    assert "missed: FAIL  slow: p95" in out


def test_a_benchmark_that_cannot_finish_fails_the_run(benches, capsys):
    assert bench_main.main(["broken"]) == 1
    assert "FAIL  broken: the benchmark ran to the end" in capsys.readouterr().out
