"""Partner records matched with no database (offline.link_records, what `mast link` uses), among strangers
so that names are weighed as in a real feed: for tests of what is linked, possible or left apart."""

from datetime import date

from mast.identity.matching.offline import canonical_record, link_records

TODAY = date(2026, 11, 28)
HOME = {"address_line_1": "12 Larch Road", "postcode": "LS6 2AB"}
# People who have nothing to do with the pairs under test, so that the pairs are scored as in a real feed:
# names are weighed by how common they are, and in a file of six records every name is common.
STRANGERS = [
    (given, family, f"{1940 + i}-{1 + i % 12:02d}-{1 + i % 28:02d}", f"{i + 1} Elm Close", f"LS9 {i % 9}XY")
    for i, (given, family) in enumerate(
        (g, f)
        for g in ("Amira", "Tobias", "Grace", "Harold", "Priya", "Owen", "Fatima", "Callum")
        for f in ("Okonjo", "Fenwick", "Adeyemi", "Pritchard", "Nakamura")
    )
]


def record(key: str, given: str, family: str, dob: str = "", **fields) -> tuple[str, dict]:
    values = {"given_name": given, "family_name": family, "date_of_birth": dob, **HOME, **fields}
    source = key.split("|")[0]
    return key, canonical_record(values, source=source, record_id=key, today=TODAY)


def link(*records: tuple[str, dict], relationships=()):
    everyone = dict(records)
    for i, (given, family, dob, line, postcode) in enumerate(STRANGERS):
        key, value = record(f"other|S{i}", given, family, dob, address_line_1=line, postcode=postcode)
        everyone[key] = value
    linked = link_records(everyone, relationships=relationships)
    cluster_of = linked.clustering.cluster_of()
    reasons = {frozenset(key): reason for key, (_pair, reason) in linked.review.items()}
    return (lambda a, b: cluster_of[a] == cluster_of[b]), reasons
