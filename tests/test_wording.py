"""The English MAST's messages share."""

import pytest

from mast.wording import possessive


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Northshire Police", "Northshire Police's"),
        ("Northshire Homes", "Northshire Homes'"),
        ("NORTHSHIRE HOSPITALS", "NORTHSHIRE HOSPITALS'"),
        ("Testshire Children's Services", "Testshire Children's Services'"),
        ("Jo Bloggs", "Jo Bloggs'"),
    ],
)
def test_a_possessive_reads_as_a_person_would_write_it(name, said):
    assert possessive(name) == said
