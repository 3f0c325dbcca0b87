"""The error model: how one partner's system records a true person, mistakes and all.

Each partner person record is the true person seen through that partner's front door: a nickname typed in
place of the registered name, a surname misheard, a date of birth with day and month swapped or only the year
known, an address from before the family moved, a maiden name never updated, no NHS number at the police
station. Every departure from the truth is tagged, and the tags go into the truth file so that tests and
evaluations can count the hard cases. docs/synthetic-data.md describes the model and its rates.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from mast.identity.matching.names import names_equivalent
from mast.synth import names
from mast.synth.involvements import (
    ADULTS,
    CHILDRENS,
    COMMUNITY,
    FIRE,
    HOSPITALS,
    POLICE,
    Involvement,
)
from mast.synth.population import Address, Person


@dataclass(frozen=True)
class ErrorRates:
    nickname: float
    spelling: float
    typo: float
    middle_as_given: float
    dob_missing: float
    dob_partial: float
    dob_swapped: float
    dob_typo: float
    nhs_present: float
    nhs_mistyped: float
    sex_missing: float
    postcode_missing: float
    abbreviated_street: float
    stale_address: float
    stale_surname: float
    duplicate: float
    # Errors from outside MAST's own error model (issue 12); rates and sources in docs/synthetic-data.md.
    names_swapped: float = 0.005
    second_slip: float = 0.2
    ocr: float = 0.0
    dob_wrong: float = 0.002
    given_initial: float = 0.002
    full_name_in_family: float = 0.0
    title_in_name: float = 0.0


ERROR_RATES: dict[str, ErrorRates] = {
    # Police custody and control rooms take details at the roadside; the NHS number is rarely to hand.
    POLICE: ErrorRates(
        0.20,
        0.08,
        0.05,
        0.05,
        0.06,
        0.03,
        0.03,
        0.01,
        0.04,
        0.10,
        0.03,
        0.05,
        0.3,
        0.2,
        0.1,
        0.05,
        names_swapped=0.02,
        ocr=0.005,
        dob_wrong=0.005,
        given_initial=0.01,
        full_name_in_family=0.005,
        title_in_name=0.01,
    ),
    CHILDRENS: ErrorRates(
        0.05, 0.05, 0.02, 0.01, 0.01, 0.005, 0.01, 0.005, 0.85, 0.01, 0.01, 0.01, 0.1, 0.1, 0.05, 0.02
    ),
    ADULTS: ErrorRates(
        0.08, 0.05, 0.02, 0.02, 0.01, 0.01, 0.01, 0.005, 0.80, 0.01, 0.01, 0.02, 0.1, 0.1, 0.05, 0.02
    ),
    COMMUNITY: ErrorRates(
        0.03, 0.02, 0.01, 0.0, 0.0, 0.0, 0.005, 0.002, 0.99, 0.003, 0.0, 0.01, 0.05, 0.05, 0.02, 0.01
    ),
    HOSPITALS: ErrorRates(
        0.10,
        0.06,
        0.04,
        0.03,
        0.01,
        0.01,
        0.02,
        0.01,
        0.85,
        0.02,
        0.01,
        0.03,
        0.2,
        0.15,
        0.05,
        0.05,
        names_swapped=0.01,
        dob_wrong=0.003,
        title_in_name=0.005,
    ),
    FIRE: ErrorRates(
        0.20,
        0.08,
        0.05,
        0.05,
        0.20,
        0.05,
        0.03,
        0.01,
        0.01,
        0.10,
        0.1,
        0.02,
        0.3,
        0.2,
        0.1,
        0.03,
        names_swapped=0.02,
        ocr=0.01,
        dob_wrong=0.005,
        given_initial=0.01,
        full_name_in_family=0.005,
        title_in_name=0.01,
    ),
}
ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Lane": "Ln", "Close": "Cl", "Drive": "Dr"}


@dataclass
class PartnerPerson:
    """One person record in one partner's system, and the involvements recorded against it."""

    source: str
    person_ref: str
    person: Person
    given_name: str
    middle_names: str
    family_name: str
    other_names: str
    date_of_birth: date | None
    dob_precision: str  # day | month | year | none
    sex: str
    address: Address
    address_lines: tuple[str, str]
    postcode: str
    nhs_number: str
    involvements: list[Involvement]
    tags: list[str] = field(default_factory=list)


class ErrorModel:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def records(
        self, person: Person, source: str, involvements: list[Involvement], refs
    ) -> list[PartnerPerson]:
        """The partner's record(s) of this person: usually one, sometimes a duplicate entered by mistake."""
        rng = self.rng
        rates = ERROR_RATES[source]
        involvements = sorted(involvements, key=lambda i: i.start)
        if rng.random() < rates.duplicate:
            if len(involvements) == 1:
                copy = Involvement(
                    source, involvements[0].category, involvements[0].start, involvements[0].end
                )
                involvements = [*involvements, copy]
            cut = rng.randrange(1, len(involvements))
            first = self.record(person, source, involvements[:cut], refs(), rates)
            second = self.record(person, source, involvements[cut:], refs(), rates)
            first.tags.append("duplicate")
            second.tags.append("duplicate")
            return [first, second]
        return [self.record(person, source, involvements, refs(), rates)]

    def record(
        self, person: Person, source: str, involvements: list[Involvement], ref: str, rates: ErrorRates
    ) -> PartnerPerson:
        rng = self.rng
        tags: list[str] = []
        given = self._given_name(person, rates, tags)
        # A partner that records middle names usually has this one, unless it took it for the given name.
        middle = person.middle_name if "middle_name_as_given" not in tags and rng.random() < 0.9 else ""
        family, other = self._family_name(person, source, involvements, rates, tags)
        given, family = self._name_fields(given, family, person.sex, rates, tags)
        dob, precision = self._date_of_birth(person.date_of_birth, rates, tags)
        sex = "" if rng.random() < rates.sex_missing else person.sex
        if not sex:
            tags.append("sex_missing")
        address = person.address
        latest = involvements[-1].start
        if person.previous_address and (latest < person.moved_on or rng.random() < rates.stale_address):
            address = person.previous_address
            tags.append("old_address")
        lines = self._address_lines(address, rates, tags)
        postcode = address.postcode
        if rng.random() < rates.postcode_missing:
            postcode = ""
            tags.append("postcode_missing")
        nhs = ""
        if rng.random() < rates.nhs_present:
            nhs = person.nhs_number
            if rng.random() < rates.nhs_mistyped:
                nhs = self._mistype_nhs(nhs)
                tags.append("nhs_mistyped")
        else:
            tags.append("nhs_absent")
        return PartnerPerson(
            source=source,
            person_ref=ref,
            person=person,
            given_name=given,
            middle_names=middle,
            family_name=family,
            other_names=other,
            date_of_birth=dob,
            dob_precision=precision,
            sex=sex,
            address=address,
            address_lines=lines,
            postcode=postcode,
            nhs_number=nhs,
            involvements=involvements,
            tags=tags,
        )

    # -- fields --------------------------------------------------------------------------------------

    def _given_name(self, person: Person, rates: ErrorRates, tags: list[str]) -> str:
        rng = self.rng
        name = person.given_name
        if person.middle_name and rng.random() < rates.middle_as_given:
            tags.append("middle_name_as_given")
            return person.middle_name
        nicknames, spellings = names.nicknames_of(name), names.spellings_of(name)
        if nicknames and rng.random() < rates.nickname:
            tags.append("nickname")
            name = rng.choice(nicknames)
        elif spellings and rng.random() < rates.spelling * 4:
            # Names with several spellings are misspelt far more often than others.
            tags.append("spelling")
            name = rng.choice(spellings)
        if name != person.given_name and not names_equivalent(name, person.given_name):
            # A variant the matcher's own lists do not hold: measured apart (identity/matching/evaluation.py).
            tags.append("variant_unseen")
        if rng.random() < rates.typo:
            tags.append("typo_given_name")
            name = self._typo(name, rates, tags)
        if rng.random() < rates.ocr:
            tags.append("ocr_given_name")
            name = names.ocr_misread(rng, name)
        return name

    def _typo(self, name: str, rates: ErrorRates, tags: list[str]) -> str:
        name = names.typo(self.rng, name)
        if self.rng.random() < rates.second_slip:
            tags.append("typo_two_slips")
            name = names.typo(self.rng, name)
        return name

    def _name_fields(
        self, given: str, family: str, sex: str, rates: ErrorRates, tags: list[str]
    ) -> tuple[str, str]:
        """How the two name boxes were filled in: the wrong way round, the whole name in the surname box, a
        title typed before the name, or only an initial."""
        rng = self.rng
        if rng.random() < rates.names_swapped:
            tags.append("names_swapped")
            return family, given
        if rng.random() < rates.full_name_in_family:
            tags.append("full_name_in_family")
            return given, f"{given} {family}"
        if rng.random() < rates.title_in_name:
            tags.append("title_in_name")
            return f"{'Mr' if sex == 'male' else rng.choice(('Mrs', 'Miss', 'Ms'))} {given}", family
        if rng.random() < rates.given_initial:
            tags.append("given_initial")
            return given[0], family
        return given, family

    def _family_name(
        self, person: Person, source: str, involvements: list[Involvement], rates: ErrorRates, tags: list[str]
    ) -> tuple[str, str]:
        rng = self.rng
        name, other = person.family_name, ""
        if person.birth_family_name != person.family_name:
            first_seen = involvements[0].start
            if first_seen < person.married_on or rng.random() < rates.stale_surname:
                name = person.birth_family_name
                tags.append("birth_surname")
            # Social care records often carry the other surname as an alias.
            if source in (CHILDRENS, ADULTS) and rng.random() < 0.5:
                other = person.family_name if name == person.birth_family_name else person.birth_family_name
        if name in names.SURNAME_SPELLINGS and rng.random() < rates.spelling * 3:
            tags.append("spelling_family_name")
            name = rng.choice(names.SURNAME_SPELLINGS[name])
        if rng.random() < rates.typo:
            tags.append("typo_family_name")
            name = self._typo(name, rates, tags)
        if rng.random() < rates.ocr:
            tags.append("ocr_family_name")
            name = names.ocr_misread(rng, name)
        return name, other

    def _date_of_birth(self, dob: date, rates: ErrorRates, tags: list[str]) -> tuple[date | None, str]:
        rng = self.rng
        roll = rng.random()
        if roll < rates.dob_missing:
            tags.append("dob_missing")
            return None, "none"
        roll -= rates.dob_missing
        if roll < rates.dob_partial:
            tags.append("dob_partial")
            return dob, rng.choice(("year", "month"))
        roll -= rates.dob_partial
        if roll < rates.dob_swapped and dob.day <= 12 and dob.day != dob.month:
            tags.append("dob_swapped")
            return date(dob.year, dob.day, dob.month), "day"
        roll -= rates.dob_swapped
        if roll < rates.dob_typo:
            tags.append("dob_typo")
            # A slipped digit in the day or the year, not a different person's birthday.
            if rng.random() < 0.5 and dob.day < 28:
                return dob.replace(day=dob.day + 1 if dob.day % 10 != 9 else dob.day - 1), "day"
            if (dob.month, dob.day) == (2, 29):
                return dob, "day"
            return dob.replace(
                year=dob.year - 1 if rng.random() < 0.5 or dob.year >= 2020 else dob.year + 1
            ), "day"
        roll -= rates.dob_typo
        if roll < rates.dob_wrong:
            # Another date altogether: a relative's, the date of the visit, a form filled in from memory.
            tags.append("dob_wrong")
            wrong = dob.replace(day=min(dob.day, 28)) - timedelta(days=rng.randrange(400, 9000))
            return wrong, "day"
        return dob, "day"

    def _address_lines(self, address: Address, rates: ErrorRates, tags: list[str]) -> tuple[str, str]:
        rng = self.rng
        lines = [address.line_1, address.line_2]
        street = 1 if address.line_2 else 0
        if rng.random() < rates.abbreviated_street:
            for word, short in ABBREVIATIONS.items():
                if lines[street].endswith(" " + word):
                    lines[street] = lines[street][: -len(word)] + short
                    tags.append("abbreviated_street")
                    break
        if address.line_2 and rng.random() < 0.3:
            tags.append("flat_on_one_line")
            return f"{lines[0]}, {lines[1]}", ""
        return lines[0], lines[1]

    def _mistype_nhs(self, nhs: str) -> str:
        i = self.rng.randrange(10)
        digit = str((int(nhs[i]) + self.rng.randrange(1, 10)) % 10)
        return nhs[:i] + digit + nhs[i + 1 :]
