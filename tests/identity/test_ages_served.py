"""A same-named parent and child are told apart by the services that know them: a record from a service that
works only with adults is not a child's, nor one from children's services an adult's. A date of birth is
trusted for this only when something vouches for it, so one person with a date of birth keyed wrongly is
still put to a reviewer."""

from datetime import date

import pytest

from mast.identity.matching import possible
from mast.identity.matching.ages_served import AgesKnown, Seen, apart_by_age, serves
from mast.identity.models import MatchCandidate
from mast.identity.resolution import resolve_all
from tests.factories.identity import (
    identity_state_in_tmp,
    make_linking_strangers,
    make_record,
    make_source,
    make_strangers,
    person_of,
    tasks_run_at_once,
)
from tests.factories.linking import link, record

# The autouse fixtures (matching state in a temporary directory, queued tasks run at once) apply here.
__all__ = ["identity_state_in_tmp", "tasks_run_at_once"]


def known(born: str | None, *seen: tuple[str, str]) -> AgesKnown:
    ages = AgesKnown()
    ages.add(date.fromisoformat(born) if born else None, [Seen(c, date.fromisoformat(s)) for c, s in seen])
    return ages


def test_each_service_serves_its_own_ages_and_those_that_see_anyone_serve_all():
    baby = date(2025, 3, 1)
    assert serves(Seen("health_visiting", date(2025, 6, 1)), baby)
    assert not serves(Seen("adult_care_assessment", date(2025, 6, 1)), baby)
    assert not serves(Seen("maternity", date(2025, 6, 1)), baby)
    # Children's social care assesses an unborn child: a start in the year before the birth fits.
    assert serves(Seen("csc_assessment", date(2024, 12, 1)), baby)
    assert not serves(Seen("csc_assessment", date(2023, 12, 1)), baby)
    # On the 18th birthday, adult care; the day before, children's.
    assert serves(Seen("adult_care_assessment", date(2043, 3, 1)), baby)
    assert not serves(Seen("adult_care_assessment", date(2043, 2, 28)), baby)
    assert serves(Seen("child_in_need", date(2043, 2, 28)), baby)
    assert serves(Seen("ed_attendance", date(2025, 6, 1)), baby)
    assert serves(Seen("police_attendance", date(2025, 6, 1)), date(1950, 1, 1))


def test_a_mother_in_maternity_is_not_her_same_named_baby_in_health_visiting():
    baby = known("2025-03-01", ("health_visiting", "2025-03-15"))
    mother = known(None, ("maternity", "2024-07-01"))

    assert apart_by_age(baby, mother)
    assert apart_by_age(mother, baby)


def test_a_date_of_birth_no_service_or_second_record_vouches_for_tells_nothing():
    # A police record says 1996; children's social care knows a Beth born in 2019. Either two people, or the
    # police keyed a relative's date: a reviewer decides.
    child = known("2019-03-20", ("csc_contact", "2024-05-01"))
    police = known("1996-09-22", ("domestic_abuse", "2024-05-01"))

    assert not apart_by_age(child, police)


def test_a_service_whose_own_record_does_not_fit_its_date_of_birth_tells_nothing():
    # Adult care with a child's date of birth: the date is what is wrong, not the person.
    adult = known("1980-01-01", ("adult_care_assessment", "2025-01-01"))
    adult.add(date(1980, 1, 1), [])
    wrong = known("2015-06-01", ("adult_care_assessment", "2025-02-01"))

    assert not apart_by_age(wrong, known("2015-06-01", ("school_nursing", "2024-01-01")))
    assert not apart_by_age(adult, wrong)


def test_two_records_agreeing_vouch_for_a_date_of_birth():
    child = AgesKnown()
    child.add(date(2012, 5, 1), [Seen("ed_attendance", date(2024, 1, 1))])
    child.add(date(2012, 5, 1), [])
    adult_care = known(None, ("adult_safeguarding_enquiry", "2025-01-01"))

    assert apart_by_age(child, adult_care)
    single = known("2012-05-01", ("ed_attendance", "2024-01-01"))
    assert not apart_by_age(single, adult_care)


def dated(key, given, family, dob="", category="", start="2025-06-01", **fields):
    return record(key, given, family, dob, involvement_type=category, start_date=start, **fields)


def test_a_same_named_mother_and_baby_known_to_maternity_and_health_visiting_are_not_asked_about():
    # The baby has her mother's name; maternity gives no date of birth. The model, knowing nothing of ages,
    # would call it one person; it is a possible match only until the services are read.
    together, reasons = link(
        dated("health|A", "Lisa", "Stokes", "2025-04-02", "health_visiting", "2025-04-12", sex="female"),
        dated("hospital|B", "Lisa", "Stokes", "", "maternity", "2024-08-01", sex="female"),
    )

    assert not together("health|A", "hospital|B")
    assert reasons == {}


def test_a_child_and_a_record_without_a_date_of_birth_from_a_service_seeing_anyone_stay_possible():
    together, reasons = link(
        dated("health|A", "Lisa", "Stokes", "2025-04-02", "health_visiting", "2025-04-12", sex="female"),
        dated("police|B", "Lisa", "Stokes", "", "domestic_abuse", "2025-09-01", sex="female"),
    )

    assert not together("health|A", "police|B")
    assert reasons == {frozenset(("health|A", "police|B")): possible.CHILD_OR_NAMESAKE_PARENT}


def test_a_child_in_need_record_without_a_date_of_birth_is_the_same_named_childs_and_is_linked():
    # Only children's services could have recorded it, at the child's age: not the same-named mother's.
    together, reasons = link(
        dated("health|A", "Lisa", "Stokes", "2019-04-02", "school_nursing", "2025-01-12", sex="female"),
        dated("childrens|B", "Lisa", "Stokes", "", "child_in_need", "2025-03-01", sex="female"),
    )

    assert together("health|A", "childrens|B")
    assert reasons == {}


def test_a_childrens_services_record_from_before_the_child_was_born_is_someone_else():
    # A child-protection plan twenty years before this Lisa was born: a Lisa Stokes who was a child then —
    # her mother, say. Not linked, and not asked about: the two cannot be one person.
    together, reasons = link(
        dated("health|A", "Lisa", "Stokes", "2025-04-02", "health_visiting", "2025-04-12", sex="female"),
        dated("childrens|B", "Lisa", "Stokes", "", "child_protection", "2005-03-01", sex="female"),
    )

    assert not together("health|A", "childrens|B")
    assert reasons == {}


def test_a_father_in_adult_care_and_his_son_in_school_nursing_are_not_asked_about():
    together, reasons = link(
        dated("adults|A", "David", "Okafor", "1975-01-20", "adult_care_assessment", "2025-02-01", sex="male"),
        dated("health|B", "David", "Okafor", "2013-06-11", "school_nursing", "2025-03-01", sex="male"),
    )

    assert not together("adults|A", "health|B")
    assert reasons == {}


def test_a_date_of_birth_keyed_wrongly_by_a_service_seeing_anyone_is_still_put_to_a_reviewer():
    together, reasons = link(
        dated("childrens|A", "Beth", "Gibson", "2019-03-20", "csc_contact", "2025-02-01", sex="female"),
        dated("police|B", "Beth", "Gibson", "1996-09-22", "domestic_abuse", "2025-03-01", sex="female"),
    )

    assert not together("childrens|A", "police|B")
    assert reasons == {frozenset(("childrens|A", "police|B")): possible.SAME_NAME_BORN_APART}


# -- on the server: the involvements MAST holds for each record ---------------------------------------------


@pytest.mark.django_db
def test_the_server_reads_each_records_involvements_and_asks_no_one_about_a_mother_and_her_baby():
    maternity, health, police = (
        make_source("Testshire Hospitals"),
        make_source("Testshire NHS"),
        make_source(),
    )
    make_strangers(police)
    lisa = {"given_name": "Lisa", "family_name": "Stokes", "sex": "female"}
    baby = make_record(
        health,
        date_of_birth=date(2025, 4, 2),
        date_of_birth_raw="02/04/2025",
        involvements=[("health_visiting", date(2025, 4, 12))],
        **lisa,
    )
    mother = make_record(
        maternity,
        date_of_birth=None,
        date_of_birth_raw="",
        involvements=[("maternity", date(2024, 8, 1))],
        **lisa,
    )
    # The same name at the same address without a date of birth, known only to the police (who see anyone).
    unknown = make_record(
        police,
        date_of_birth=None,
        date_of_birth_raw="",
        involvements=[("domestic_abuse", date(2025, 9, 1))],
        **lisa,
    )

    resolve_all()

    assert person_of(baby) != person_of(mother) and person_of(baby) != person_of(unknown)
    open_pairs = MatchCandidate.objects.filter(status=MatchCandidate.Status.OPEN)
    asked = {frozenset((c.record_a_id, c.record_b_id)): c.reason for c in open_pairs}
    assert asked.get(frozenset((baby.pk, unknown.pk))) == possible.CHILD_OR_NAMESAKE_PARENT
    assert frozenset((baby.pk, mother.pk)) not in asked


@pytest.mark.django_db
def test_the_server_links_a_record_only_childrens_services_hold_to_the_same_named_child():
    health, childrens = make_source("Testshire NHS"), make_source("Testshire Children's Services")
    # Enough other people that two records' shared name is rare evidence, as in a real feed.
    make_linking_strangers(health)
    lisa = {"given_name": "Lisa", "family_name": "Stokes", "sex": "female"}
    child = make_record(
        health,
        date_of_birth=date(2019, 4, 2),
        date_of_birth_raw="02/04/2019",
        involvements=[("school_nursing", date(2025, 1, 12))],
        **lisa,
    )
    plan = make_record(
        childrens,
        date_of_birth=None,
        date_of_birth_raw="",
        involvements=[("csc_contact", date(2024, 11, 1)), ("child_in_need", date(2025, 3, 1))],
        **lisa,
    )

    resolve_all()

    assert person_of(child) == person_of(plan)
    assert not MatchCandidate.objects.filter(status=MatchCandidate.Status.OPEN).exists()


def test_a_police_record_from_before_the_child_was_born_is_not_the_childs():
    # The police met a Lisa Stokes a year before this Lisa was born: her mother, say. The police see anyone,
    # but only someone already born. Not asked about.
    together, reasons = link(
        dated("health|A", "Lisa", "Stokes", "2025-04-02", "health_visiting", "2025-04-12", sex="female"),
        dated("police|B", "Lisa", "Stokes", "", "domestic_abuse", "2024-03-01", sex="female"),
    )

    assert not together("health|A", "police|B")
    assert reasons == {}


def test_a_date_that_fits_a_service_seeing_anyone_vouches_for_nothing():
    # Any date of birth before an incident fits it: it does not make a lone police date trustworthy.
    police = known("1996-09-22", ("domestic_abuse", "2024-05-01"))

    assert police.vouched() == set()
    assert not apart_by_age(police, known("2019-03-20", ("ed_attendance", "2024-05-01")))
