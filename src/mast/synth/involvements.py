"""Which partners are involved with whom, how, and when: realistic mixes per agency over 36 months.

Some involvements are the household's (a domestic-abuse incident involves both adults and the children who
were there; a fire home-safety visit is to the home; a child-protection plan usually covers the siblings), the
rest are one person's. Risk set on the household drives how much every partner sees of a family.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from mast.synth.population import Household, Person

WINDOW_DAYS = 36 * 30 + 15  # the retention period, in days, with a little to spare


@dataclass
class Involvement:
    source: str
    category: str
    start: date
    end: date | None
    restricted: bool = False

    @property
    def is_open(self) -> bool:
        return self.end is None


Plan = dict[str, dict[str, list[Involvement]]]  # person_id -> source code -> involvements

POLICE, CHILDRENS, ADULTS = "northshire-police", "northshire-childrens", "northshire-adults"
COMMUNITY, HOSPITALS, FIRE = "northshire-community-health", "northshire-hospitals", "northshire-fire"
SOURCES = (POLICE, CHILDRENS, ADULTS, COMMUNITY, HOSPITALS, FIRE)


class Involvements:
    def __init__(self, rng: random.Random, as_of: date):
        self.rng = rng
        self.as_of = as_of
        self.window_start = as_of - timedelta(days=WINDOW_DAYS)

    def plan(self, household: Household) -> Plan:
        plan: Plan = {p.person_id: {} for p in household.people}
        self._police(household, plan)
        self._childrens(household, plan)
        self._adults(household, plan)
        self._community_health(household, plan)
        self._hospitals(household, plan)
        self._fire(household, plan)
        return plan

    # -- helpers -------------------------------------------------------------------------------------

    def _chance(self, household: Household, none: float, low: float, high: float) -> bool:
        return self.rng.random() < {"none": none, "low": low, "high": high}[household.risk]

    def _start(self, earliest: date, latest: date | None = None) -> date:
        earliest = max(earliest, self.window_start)
        latest = latest or self.as_of
        if earliest >= latest:
            return latest
        return earliest + timedelta(days=self.rng.randrange((latest - earliest).days + 1))

    def _end(self, start: date, shortest: int, longest: int) -> date | None:
        """The end date, or None when the involvement is still open today."""
        end = start + timedelta(days=self.rng.randrange(shortest, longest + 1))
        return None if end > self.as_of else end

    @staticmethod
    def _add(plan: Plan, person: Person, involvement: Involvement) -> None:
        plan[person.person_id].setdefault(involvement.source, []).append(involvement)

    def _count(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    # -- partners ------------------------------------------------------------------------------------

    def _police(self, household: Household, plan: Plan) -> None:
        rng = self.rng
        adults = [p for p in household.people if p.role == "adult"]
        children = [p for p in household.people if p.role == "child"]
        if len(adults) == 2 and self._chance(household, 0.005, 0.05, 0.5):
            # Domestic abuse: one incident involves both adults, and often the children present.
            for _ in range(self._count(1, 4)):
                start = self._start(max(p.date_of_birth for p in household.people))
                restricted = rng.random() < 0.03
                for person in adults + [c for c in children if rng.random() < 0.5]:
                    self._add(
                        plan,
                        person,
                        Involvement(POLICE, "domestic_abuse", start, self._end(start, 0, 90), restricted),
                    )
        for person in household.people:
            age = person.age(self.as_of)
            if age < 10:
                continue
            odds = (0.03, 0.12, 0.4) if person.role != "child" else (0.01, 0.05, 0.3)
            if not self._chance(household, *odds):
                continue
            kinds = ("missing_episode", "concern_for_welfare", "police_attendance")
            weights = (0.4, 0.4, 0.2) if age < 18 else (0.05, 0.35, 0.6)
            for _ in range(self._count(1, 3 if household.risk != "high" else 5)):
                start = self._start(person.date_of_birth + timedelta(days=10 * 365))
                category = rng.choices(kinds, weights)[0]
                self._add(plan, person, Involvement(POLICE, category, start, self._end(start, 0, 60)))

    def _childrens(self, household: Household, plan: Plan) -> None:
        rng = self.rng
        children = [p for p in household.people if p.role == "child"]
        if not children or not self._chance(household, 0.01, 0.15, 0.8):
            return
        # A family's journey: contact, perhaps assessment, perhaps a plan; siblings usually share it.
        contact = self._start(min(c.date_of_birth for c in children))
        steps = [("csc_contact", contact, self._end(contact, 1, 10))]
        if rng.random() < 0.6:
            start = contact + timedelta(days=rng.randrange(1, 15))
            steps.append(("csc_assessment", start, self._end(start, 20, 45)))
            if rng.random() < 0.6:
                start += timedelta(days=rng.randrange(30, 60))
                plan_kind = rng.choices(
                    ("child_in_need", "child_protection", "looked_after"), (0.6, 0.3, 0.1)
                )[0]
                length = {
                    "child_in_need": (90, 420),
                    "child_protection": (120, 540),
                    "looked_after": (180, 1500),
                }
                steps.append((plan_kind, start, self._end(start, *length[plan_kind])))
        for i, child in enumerate(children):
            if i and rng.random() > 0.85:
                continue
            for category, start, end in steps:
                if start > self.as_of or (end is not None and child.date_of_birth > end):
                    continue
                restricted = category == "looked_after" and rng.random() < 0.1
                first_day = max(start, child.date_of_birth)
                self._add(plan, child, Involvement(CHILDRENS, category, first_day, end, restricted))

    def _adults(self, household: Household, plan: Plan) -> None:
        rng = self.rng
        for person in household.people:
            if person.role == "child":
                continue
            odds = [0.005, 0.03, 0.1]
            if person.age(self.as_of) >= 75:
                odds = [o + 0.1 for o in odds]
            if not self._chance(household, *odds):
                continue
            for _ in range(self._count(1, 3)):
                start = self._start(self.window_start)
                category = rng.choices(("adult_safeguarding_enquiry", "adult_care_assessment"), (0.6, 0.4))[0]
                restricted = rng.random() < 0.02
                self._add(
                    plan, person, Involvement(ADULTS, category, start, self._end(start, 7, 150), restricted)
                )

    def _community_health(self, household: Household, plan: Plan) -> None:
        for person in household.people:
            age = person.age(self.as_of)
            if person.role != "child":
                continue
            if age < 5 and self.rng.random() < 0.95:
                # Health visiting runs from birth to school age: open for every child under five.
                start = max(person.date_of_birth + timedelta(days=10), self.window_start)
                start = min(start, self.as_of)
                self._add(plan, person, Involvement(COMMUNITY, "health_visiting", start, None))
            elif age >= 5 and self._chance(household, 0.02, 0.08, 0.35):
                start = self._start(person.date_of_birth + timedelta(days=5 * 365))
                self._add(
                    plan, person, Involvement(COMMUNITY, "school_nursing", start, self._end(start, 30, 400))
                )

    def _hospitals(self, household: Household, plan: Plan) -> None:
        rng = self.rng
        for person in household.people:
            if self._chance(household, 0.1, 0.2, 0.4):
                for _ in range(self._count(1, 3)):
                    start = self._start(person.date_of_birth)
                    admitted = rng.random() < 0.08
                    end = self._end(start, 1, 12) if admitted else start
                    self._add(plan, person, Involvement(HOSPITALS, "ed_attendance", start, end))
        mothers = [p for p in household.people if p.role == "adult" and p.sex == "female"]
        babies = [c for c in household.people if c.role == "child" and c.date_of_birth > self.window_start]
        if mothers and babies:
            born = max(c.date_of_birth for c in babies)
            start = max(born - timedelta(days=rng.randrange(200, 260)), self.window_start)
            end = born + timedelta(days=10)
            self._add(
                plan,
                mothers[0],
                Involvement(HOSPITALS, "maternity", start, None if end > self.as_of else end),
            )

    def _fire(self, household: Household, plan: Plan) -> None:
        rng = self.rng
        adults = [p for p in household.people if p.role != "child"]
        if not adults:
            return
        odds = (0.03, 0.07, 0.18)
        if any(p.age(self.as_of) >= 70 for p in adults):
            odds = (0.15, 0.2, 0.3)
        if not self._chance(household, *odds):
            return
        start = self._start(self.window_start)
        category = "fire_incident" if rng.random() < 0.1 else "fire_home_safety_visit"
        end = self._end(start, 0, 30)
        occupiers = adults if rng.random() < 0.3 else adults[:1]
        for person in occupiers:
            self._add(plan, person, Involvement(FIRE, category, start, end))
