"""Benchmarks that judge: every figure that has a target is compared with it and printed PASS or FAIL, and
`make bench` (python -m bench) exits non-zero when any target is missed, so a slower MAST cannot pass unseen.

A bench receives a Judge and calls `at_most` / `at_least` (or `holds` for a yes-or-no target such as "nothing
merged wrongly") with the measured figure, the target and where the target comes from. The figures around
them are still printed as plain lines; only targets are judged.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Verdict:
    what: str
    measured: float
    target: float
    at_most: bool
    unit: str = ""

    @property
    def passed(self) -> bool:
        return self.measured <= self.target if self.at_most else self.measured >= self.target

    def line(self) -> str:
        sign = "≤" if self.at_most else "≥"
        unit = f" {self.unit}" if self.unit else ""
        return (
            f"{'PASS' if self.passed else 'FAIL'}  {self.what}: {number(self.measured)}{unit} "
            f"(target {sign} {number(self.target)}{unit})"
        )


def number(value: float) -> str:
    """Figures as people read them: 5,612 rows/s, 11.5 s, 99.93 %."""
    if float(value).is_integer() and abs(value) >= 1:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


@dataclass
class Judge:
    say: Callable[[str], None] = field(default=lambda line: print(line, flush=True))
    verdicts: list[Verdict] = field(default_factory=list)

    def at_most(self, what: str, measured: float, target: float, unit: str = "") -> Verdict:
        return self._judge(Verdict(what, measured, target, at_most=True, unit=unit))

    def at_least(self, what: str, measured: float, target: float, unit: str = "") -> Verdict:
        return self._judge(Verdict(what, measured, target, at_most=False, unit=unit))

    def holds(self, what: str, true: bool) -> Verdict:
        """A yes-or-no target, judged as 'at least 1 of 1'."""
        return self._judge(Verdict(what, 1 if true else 0, 1, at_most=False, unit="(1 = yes)"))

    def percent_at_least(self, what: str, share: float, target_percent: float) -> Verdict:
        return self.at_least(what, round(share * 100, 3), target_percent, unit="%")

    def _judge(self, verdict: Verdict) -> Verdict:
        self.verdicts.append(verdict)
        self.say(verdict.line())
        return verdict

    @property
    def missed(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.passed]

    def summary(self) -> str:
        met = len(self.verdicts) - len(self.missed)
        lines = [f"targets met: {met} of {len(self.verdicts)}"]
        lines += [f"  missed: {v.line()}" for v in self.missed]
        return "\n".join(lines)

    def exit_code(self) -> int:
        return 1 if self.missed else 0
