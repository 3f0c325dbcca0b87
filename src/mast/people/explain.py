"""Why MAST thinks two records are the same person, in the words a practitioner uses: "Matched because: same
date of birth, surname sounds the same, same address", and how strongly, in words (very strong, strong,
possible, weak) rather than a percentage that reads as more certain than any model is.

The model's own terms (each comparison's level and its weight in bits) stay available to reviewers, who need
them; this module only translates. It reads the levels by their labels (the saved model's, as in
`identity.model.SavedModel.level_labels`), so a retrained model with the same comparisons reads the same.
"""

# Match probability → strength in words. The bands follow how the review queue treats pairs: above 0.99 MAST
# links without asking; from 0.9 a feed owner would rarely overturn it; from 0.5 it is a possible match.
STRENGTHS = ((0.99, "very strong"), (0.9, "strong"), (0.5, "possible"))

# (comparison, words in the level's label) → plain words; the first that fits wins.
_PLAIN = (
    ("nhs_number", "same", "same NHS number"),
    ("nhs_number", "exact", "same NHS number"),
    ("given_name", "exact", "same first name"),
    ("family_name", "exact", "same surname"),
    ("date_of_birth", "exact", "same date of birth"),
    ("given_name", "swapped", "first name and surname the other way round"),
    ("family_name", "swapped", "first name and surname the other way round"),
    ("given_name", "same given", "same first name"),
    ("given_name", "nickname", "first name is a nickname or variant of the other"),
    ("given_name", "middle", "one record's first name is the other's middle name"),
    ("given_name", "typo", "first names spelt nearly the same"),
    ("given_name", "two keying", "first names spelt similarly"),
    ("given_name", "initial", "one first name is the other's initial"),
    ("family_name", "same family", "same surname"),
    ("family_name", "former", "a former, other or double-barrelled surname agrees"),
    ("family_name", "sound", "surname sounds the same"),
    ("family_name", "typo", "surnames spelt nearly the same"),
    ("family_name", "two keying", "surnames spelt similarly"),
    ("date_of_birth", "same date", "same date of birth"),
    ("date_of_birth", "transposed", "same date of birth with day and month swapped"),
    ("date_of_birth", "digit", "dates of birth one digit apart"),
    ("date_of_birth", "birthday", "same birthday, a year apart"),
    ("date_of_birth", "year", "same year of birth"),
    ("sex", "same", "same sex"),
    ("address", "same address", "same address"),
    ("address", "one postcode missing", "same house and street"),
    ("address", "house and street", "same house and street"),
    ("address", "one keyed", "postcode one character different"),
    ("address", "same postcode", "same postcode"),
    ("names", "other way round", "first name and surname the other way round"),
    ("names", "another family name", "recorded under another surname (she may have married)"),
    ("reference", "", "the partner reference searched for"),
)


def plain(comparison: str, label: str) -> str:
    """One level that counted, in plain words."""
    lowered = (label or "").lower()
    for name, words, phrase in _PLAIN:
        if name == comparison and words in lowered:
            return phrase
    return lowered or comparison.replace("_", " ")


def because(items) -> str:
    """'same NHS number' / 'same date of birth, surname sounds the same': the levels that counted (weight
    above nothing), strongest first; items are (comparison, label, weight) or the dicts links keep."""
    counted = []
    for item in items:
        comparison, label, weight = (
            (item["comparison"], item["outcome"], item["weight"]) if isinstance(item, dict) else item
        )
        if weight is None or float(weight) > 0 or comparison in ("names", "reference"):
            counted.append((-(float(weight or 0)), plain(comparison, label)))
    phrases = [phrase for _w, phrase in sorted(counted, key=lambda c: c[0])]
    return ", ".join(dict.fromkeys(phrases))


def strength(probability: float | None) -> str:
    if probability is None:
        return ""
    for floor, words in STRENGTHS:
        if probability >= floor:
            return words
    return "weak"
