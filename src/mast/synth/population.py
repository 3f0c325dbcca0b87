"""The true population of the synthetic region: households of people at addresses in fictional Northshire.

Generated one household at a time so that a region of a million people streams through in constant memory.
Postcodes use the area "NS", which does not exist, so no synthetic address is anyone's real address.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from mast.synth import names

TOWNS = (
    ("Northby", "NS1"),
    ("Northby", "NS2"),
    ("Kelworth", "NS3"),
    ("Ashcombe Magna", "NS4"),
    ("Fennick", "NS5"),
    ("Holloway Bridge", "NS6"),
    ("Marlow Fen", "NS7"),
    ("Stannington Vale", "NS8"),
    ("Brackenby", "NS9"),
    ("Wexholme", "NS10"),
)
STREET_SUFFIXES = (
    "Road",
    "Street",
    "Lane",
    "Avenue",
    "Close",
    "Drive",
    "Way",
    "Crescent",
    "Grove",
    "Gardens",
    "Court",
    "Place",
    "Terrace",
    "Walk",
)
STREET_WORDS = ("Mill", "Church", "Station", "High", "Park", "Oak", "Victoria", "Albert", "Queen", "Chapel")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's unit may use


@dataclass
class Address:
    uprn: str
    line_1: str
    line_2: str
    town: str
    postcode: str


@dataclass
class Person:
    person_id: str
    household_id: str
    role: str  # adult | child | grandparent
    given_name: str
    middle_name: str
    family_name: str
    birth_family_name: str
    date_of_birth: date
    sex: str
    nhs_number: str
    address: Address
    previous_address: Address | None = None
    moved_on: date | None = None
    married_on: date | None = None
    twin_of: str = ""
    same_name_as: str = ""

    def age(self, on: date) -> int:
        years = on.year - self.date_of_birth.year
        return years - ((on.month, on.day) < (self.date_of_birth.month, self.date_of_birth.day))


@dataclass
class Household:
    household_id: str
    kind: str
    risk: str  # none | low | high: how much partners are likely to be involved
    people: list[Person] = field(default_factory=list)
    relationships: list[tuple[str, str, str]] = field(default_factory=list)  # (person, relation, person)


def nhs_check_digit(nine: str) -> int | None:
    """Modulus 11 check digit; None when the nine digits cannot form a valid NHS number."""
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return 0 if check == 11 else None if check == 10 else check


def nhs_numbers() -> Iterator[str]:
    """Valid NHS numbers from 999 downwards: numbers starting 9 are never issued to patients.

    Each block of a million is walked in a scrambled order so neighbours in a family do not get neighbouring
    numbers.
    """
    for block in range(999, 899, -1):
        for k in range(1_000_000):
            nine = f"{block}{(k * 7_919 + 104_729) % 1_000_000:06d}"
            check = nhs_check_digit(nine)
            if check is not None:
                yield nine + str(check)


class AddressBook:
    """Hands out fresh addresses street by street, each with a made-up UPRN and an NS postcode."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.count = 0
        self.streets = 0
        self.street = None

    def _new_street(self) -> None:
        rng = self.rng
        self.streets += 1
        town, outward = rng.choice(TOWNS)
        word = rng.choice(STREET_WORDS) if rng.random() < 0.25 else names.surname(rng)
        self.street = {
            "id": self.streets,
            "name": f"{word} {rng.choice(STREET_SUFFIXES)}",
            "town": town,
            "sector": f"{outward} {rng.randrange(1, 10)}",
            "next": 1,
            "length": rng.randrange(20, 120),
            "flats": rng.random() < 0.2,
        }

    def new(self) -> Address:
        if self.street is None or self.street["next"] > self.street["length"]:
            self._new_street()
        street = self.street
        number = street["next"]
        if street["flats"]:
            flat = number % 8 + 1
            building = number // 8 * 2 + 1
            line_1, line_2 = f"Flat {flat}", f"{building} {street['name']}"
        else:
            line_1, line_2 = f"{number} {street['name']}", ""
        street["next"] += 1
        self.count += 1
        # Roughly fifteen addresses share a postcode unit, as in a real street.
        unit_index = (street["id"] * 7 + number // 15) % (len(POSTCODE_LETTERS) ** 2)
        unit = POSTCODE_LETTERS[unit_index // len(POSTCODE_LETTERS)] + POSTCODE_LETTERS[unit_index % 20]
        postcode = f"{street['sector']}{unit}"
        return Address(f"99{self.count:010d}", line_1, line_2, street["town"], postcode)


HOUSEHOLD_KINDS = (
    ("couple_with_children", 0.30),
    ("single_parent", 0.12),
    ("couple", 0.18),
    ("single_adult", 0.23),
    ("older_couple", 0.09),
    ("three_generations", 0.08),
)
RISK_LEVELS = (("none", 0.55), ("low", 0.30), ("high", 0.15))


class Population:
    """Generates households deterministically from one seeded random stream."""

    def __init__(self, rng: random.Random, as_of: date):
        self.rng = rng
        self.as_of = as_of
        self.addresses = AddressBook(rng)
        self.nhs = nhs_numbers()
        self.people = 0
        self.households = 0

    def households_for(self, total_people: int) -> Iterator[Household]:
        while self.people < total_people:
            household = self._household()
            household.people = household.people[: total_people - self.people]
            kept = {p.person_id for p in household.people}
            household.relationships = [r for r in household.relationships if r[0] in kept and r[2] in kept]
            for person in household.people:
                if person.twin_of not in kept:
                    person.twin_of = ""
                if person.same_name_as not in kept:
                    person.same_name_as = ""
            self.people += len(household.people)
            yield household

    # -- one household -------------------------------------------------------------------------------

    def _household(self) -> Household:
        rng = self.rng
        self.households += 1
        kind = rng.choices(*zip(*HOUSEHOLD_KINDS, strict=True))[0]
        risk = rng.choices(*zip(*RISK_LEVELS, strict=True))[0]
        if kind in ("couple_with_children", "single_parent", "three_generations") and risk == "none":
            risk = "low" if rng.random() < 0.3 else "none"
        household = Household(f"H{self.households:07d}", kind, risk)
        address = self.addresses.new()
        previous, moved_on = None, None
        if rng.random() < 0.12:
            previous = self.addresses.new()
            moved_on = self.as_of - timedelta(days=rng.randrange(30, 1080))

        adults = self._adults(household, kind)
        if kind in ("couple_with_children", "single_parent", "three_generations"):
            self._children(household, adults)
        if kind == "three_generations":
            elder = self._person(
                household, "grandparent", self._sex(), self._born(62, 90), adults[0].family_name
            )
            self._relate(household, elder, "parent_of", adults[0])
        for person in household.people:
            person.address, person.previous_address, person.moved_on = address, previous, moved_on
        return household

    def _adults(self, household: Household, kind: str) -> list[Person]:
        rng = self.rng
        ages = (66, 92) if kind == "older_couple" else (18, 64)
        if kind == "single_adult":
            ages = (18, 90)
        first_sex = "female" if kind == "single_parent" and rng.random() < 0.9 else self._sex()
        family_name = names.surname(rng)
        first = self._person(household, "adult", first_sex, self._born(*ages), family_name)
        if kind not in ("couple_with_children", "couple", "older_couple", "three_generations"):
            return [first]
        same_sex = rng.random() < 0.05
        second_sex = first_sex if same_sex else ("female" if first_sex == "male" else "male")
        partner_born = first.date_of_birth + timedelta(days=rng.randrange(-2500, 2500))
        partner_born = min(partner_born, self.as_of - timedelta(days=18 * 366))
        birth_name = names.surname(rng)
        second = self._person(household, "adult", second_sex, partner_born, birth_name)
        if not same_sex and rng.random() < 0.65:
            woman, man = (first, second) if first_sex == "female" else (second, first)
            woman.birth_family_name = woman.family_name
            woman.family_name = man.family_name
            earliest = max(woman.date_of_birth, man.date_of_birth) + timedelta(days=18 * 366)
            span = (self.as_of - earliest).days
            # A third of name changes are recent enough that older partner records still hold the old name.
            recent = rng.random() < 0.3
            woman.married_on = (
                self.as_of - timedelta(days=rng.randrange(30, 1000))
                if recent or span < 1100
                else earliest + timedelta(days=rng.randrange(0, span - 1000))
            )
        self._relate(household, first, "partner_of", second)
        return [first, second]

    def _children(self, household: Household, parents: list[Person]) -> None:
        rng = self.rng
        youngest_parent_age = min(p.age(self.as_of) for p in parents)
        count = rng.choices((1, 2, 3, 4, 5), (0.35, 0.38, 0.17, 0.07, 0.03))[0]
        max_age = min(17, youngest_parent_age - 17)
        if max_age < 0:
            return
        # Children of a single mother sometimes carry their father's surname.
        family_name = parents[0].family_name
        if len(parents) == 1 and rng.random() < 0.3:
            family_name = names.surname(rng)
        children: list[Person] = []
        for _ in range(count):
            sex = self._sex()
            born = self.as_of - timedelta(days=rng.randrange(0, (max_age + 1) * 365))
            child = self._person(household, "child", sex, born, family_name)
            if rng.random() < 0.04:
                same_sex_parent = next((p for p in parents if p.sex == sex), None)
                if same_sex_parent and not any(c.given_name == same_sex_parent.given_name for c in children):
                    child.given_name = same_sex_parent.given_name
                    child.same_name_as = same_sex_parent.person_id
            children.append(child)
        if children and rng.random() < 0.06:
            self._add_twin(household, children)
        for parent in parents:
            for child in children:
                self._relate(household, parent, "parent_of", child)
        for i, a in enumerate(children):
            for b in children[i + 1 :]:
                self._relate(household, a, "sibling_of", b)

    def _add_twin(self, household: Household, children: list[Person]) -> None:
        rng = self.rng
        first = children[0]
        sex = first.sex if rng.random() < 0.6 else self._sex()
        twin = self._person(household, "child", sex, first.date_of_birth, first.family_name)
        while twin.given_name == first.given_name:
            twin.given_name = names.given_name(rng, sex)
        twin.twin_of, first.twin_of = first.person_id, twin.person_id
        children.append(twin)

    # -- helpers -------------------------------------------------------------------------------------

    def _sex(self) -> str:
        return "female" if self.rng.random() < 0.5 else "male"

    def _born(self, youngest: int, oldest: int) -> date:
        days = self.rng.randrange(youngest * 365 + 5, oldest * 365)
        return self.as_of - timedelta(days=days)

    def _person(self, household: Household, role: str, sex: str, born: date, family_name: str) -> Person:
        rng = self.rng
        index = self.people + len(household.people) + 1
        middle = names.given_name(rng, sex) if rng.random() < 0.55 else ""
        person = Person(
            person_id=f"P{index:08d}",
            household_id=household.household_id,
            role=role,
            given_name=names.given_name(rng, sex),
            middle_name=middle,
            family_name=family_name,
            birth_family_name=family_name,
            date_of_birth=born,
            sex=sex,
            nhs_number=next(self.nhs),
            address=None,  # type: ignore[arg-type]  # set once the household has its address
        )
        household.people.append(person)
        return person

    def _relate(self, household: Household, a: Person, relation: str, b: Person) -> None:
        household.relationships.append((a.person_id, relation, b.person_id))
