"""The vetoes: what keeps a scored pair from ever being linked automatically, whatever its score.

Twins share surname, address and date of birth, and those agreements outweigh different given names in any
score that treats fields as independent; a same-named parent and child differ only in date of birth. So a
pair is vetoed when two valid NHS numbers differ, when the dates of birth are different (beyond a slip), when
the given names are different names, or when both records give middle names that differ. Written once as
SQL over Splink's predictions, for the DuckDB and Spark engines alike (linkage.py, spark_linkage.py).
"""

import pyarrow as pa

from mast.identity.matching import possible
from mast.identity.matching.names import known_given_names

# In this order: the first that applies is the reason given. Different given names come last because they are
# the one veto a third record can explain (see `explain_vetoes`).
VETOES = {
    "nhs_number": possible.NHS_VETO,
    "date_of_birth": possible.DOB_VETO,
    "given_name": possible.GIVEN_VETO,
}
NAMES_VETO = VETOES["given_name"]
# Both records give a middle name, and they are different names (not one slip apart, neither the other's
# initial): twins, or a father and son both called David, are told apart by them when everything else agrees.
# Last, so that a different given name or date of birth is the reason given when there is one.
MIDDLE_NAMES_DIFFER = (
    '("middle_name_l" IS NOT NULL AND "middle_name_r" IS NOT NULL'
    ' AND damerau_levenshtein("middle_name_l", "middle_name_r") > 1'
    ' AND substr("middle_name_l", 1, 1) || length("middle_name_l") <> substr("middle_name_r", 1, 1) || \'1\''
    ' AND substr("middle_name_r", 1, 1) || length("middle_name_r") <> substr("middle_name_l", 1, 1) || \'1\')'
)
# Different given names that are one name spelt two ways ("Jazmin" and "Jasmine", "Hana" and "Hannah",
# "Zakary" and "Zachary"): they sound the same (Double Metaphone), begin with the same letter and are spelt
# alike (Jaro-Winkler 0.85 or more), on records of the same sex born on the same day, and the name lists do
# not hold both (`LISTED_NAMES`, names.known_given_names() as a table in the linker's database and Spark
# session). Twins are given two names, not two spellings of one: on the tuning regions (seeds 1, 3, 4) this
# is 34 pairs of one person and none of twins or anyone else, and none of the 18,552 pairs of brothers and
# sisters there (named as twins are) is named this alike. Each condition keeps a kind of twin apart: sound
# alone joins Amy and Emma; Jack and Jake, Olivia and Olive pass every measure and are two names the lists
# hold; a sex missing on one record leaves a boy and a girl with alike names possible. Not
# `given_name_known`, which also counts a name three records carry: in a region of any size every spelling
# is carried that often (it kept 2 of the 34 pairs).
LISTED_NAMES = "mast_listed_names"
# Each record's given name looked up in the lists once, by a join onto the scored pairs (`LISTED_JOIN`, read
# by both engines): a subquery in the condition cost DuckDB one pass over the pairs for every place the veto
# is written (the veto and each possible shape), twice the time of reading the pairs without it; and Spark
# takes no subquery in a SELECT list at all.
LISTED = ("mast_listed_l.name IS NOT NULL", "mast_listed_r.name IS NOT NULL")
LISTED_JOIN = (
    "LEFT JOIN mast_listed_names mast_listed_l ON mast_listed_l.name = given_name_l "
    "LEFT JOIN mast_listed_names mast_listed_r ON mast_listed_r.name = given_name_r"
)


def one_name_spelt_two_ways(listed: tuple[str, str] = LISTED) -> str:
    """The condition, as SQL over a scored pair's retained columns (see the comment above)."""
    left, right = listed
    return (
        '("given_name_dm_l" = "given_name_dm_r"'
        ' AND substr("given_name_l", 1, 1) = substr("given_name_r", 1, 1)'
        ' AND jaro_winkler_similarity("given_name_l", "given_name_r") >= 0.85'
        ' AND "dob_l" = "dob_r" AND "sex_l" = "sex_r"'
        f" AND NOT ({left} AND {right}))"
    )


def listed_names() -> pa.Table:
    """The given names the name lists hold, as the table `one_name_spelt_two_ways` reads."""
    return pa.table({"name": pa.array(sorted(known_given_names()), type=pa.string())})


SPELT_TWO_WAYS_LEVEL = "One name spelt two ways: same sound, first letter, sex and date of birth"


def veto_sql(listed: tuple[str, str] = LISTED) -> str:
    """The veto a scored pair carries ("" for none), as SQL over Splink's predictions: the first of `VETOES`
    whose comparison is at its "different" level, else different middle names. Different given names that
    are `one_name_spelt_two_ways` are no veto. Shared by the DuckDB and Spark engines, over pairs joined to
    the name lists by `LISTED_JOIN`."""
    cases = []
    for comparison, reason in VETOES.items():
        condition = f'"gamma_{comparison}" = 0'
        if reason == NAMES_VETO:
            condition += f" AND NOT coalesce({one_name_spelt_two_ways(listed)}, false)"
        cases.append(f"WHEN {condition} THEN '{reason}'")
    return f"CASE {' '.join(cases)} WHEN {MIDDLE_NAMES_DIFFER} THEN '{possible.MIDDLE_VETO}' ELSE '' END"
