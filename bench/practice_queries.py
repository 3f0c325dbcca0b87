"""The practitioner's searches the practice bench times, built from the synthetic region's truth: each kind of
search issue 5 named, and one keying slip (transposition, insertion, deletion, substitution) in each field a
practitioner types (issue 14). The held-out search test draws its queries from here too."""

import random

EDITS = ("transpose", "insert", "delete", "substitute")
# Issue 14: one error of each sort in each field a practitioner types, beside the kinds of issue 5.
KINDS = (
    "exact",
    "misspelt",
    "nickname",
    "swapped_dob",
    "nhs_number",
    "postcode",
    "swapped_names",
    *(f"{field}_{edit}" for field in ("family", "given", "dob", "postcode") for edit in EDITS),
)


def one_edit(word: str, rng: random.Random) -> str:
    """A slip of one letter (changed, dropped, doubled or swapped with the next), never the first."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    i = rng.randrange(1, len(word))
    kind = rng.choice(("substitute", "delete", "insert", "transpose"))
    if kind == "substitute":
        return word[:i] + rng.choice([c for c in letters if c != word[i].lower()]) + word[i + 1 :]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "insert":
        return word[:i] + rng.choice(letters) + word[i:]
    if i == len(word) - 1 or word[i] == word[i + 1]:
        return word[:i] + rng.choice([c for c in letters if c != word[i].lower()]) + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def edit_text(text: str, edit: str, rng: random.Random, alphabet: str) -> str | None:
    """One error of the given sort at a random place after the first character; None if the text is too
    short or the error would change nothing."""
    if len(text) < 3:
        return None
    i = rng.randrange(1, len(text) - (1 if edit == "transpose" else 0))
    if edit == "transpose":
        changed = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    elif edit == "insert":
        changed = text[:i] + rng.choice(alphabet) + text[i:]
    elif edit == "delete":
        changed = text[:i] + text[i + 1 :]
    else:
        changed = text[:i] + rng.choice([c for c in alphabet if c != text[i]]) + text[i + 1 :]
    return changed if changed.casefold() != text.casefold() else None


def one_error(field: str, edit: str, person: dict, rng: random.Random) -> dict | None:
    """A search by name and date of birth (by family name and postcode, for the postcode) with one error of
    one sort in one field. Dates and postcodes that no longer read as one are left out: the form says what is
    wrong with them instead of searching."""
    from mast.identity.search.find import SearchQuery

    given, family, born = person["given_name"], person["family_name"], person["date_of_birth"]
    year, month, day = born.split("-")
    query = {"given_name": given, "family_name": family, "date_of_birth": f"{day}/{month}/{year}"}
    if field == "postcode":
        if not person["postcode"]:
            return None
        query = {"family_name": family, "postcode": person["postcode"]}
    alphabet = "0123456789" if field == "dob" else "abcdefghijklmnopqrstuvwxyz"
    if field == "postcode":
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    key = {"family": "family_name", "given": "given_name", "dob": "date_of_birth", "postcode": "postcode"}[
        field
    ]
    changed = edit_text(
        query[key].replace(" ", "") if field == "postcode" else query[key], edit, rng, alphabet
    )
    if changed is None:
        return None
    query[key] = changed
    parsed = SearchQuery(**query)
    if field == "dob" and (parsed.birth_date.date is None or parsed.birth_date.date.isoformat() == born):
        return None
    if field == "postcode" and " " not in parsed.normalised_postcode:
        return None
    return query


def query_for(kind: str, person: dict, rng: random.Random) -> dict | None:
    from mast.synth.names import NICKNAMES

    if not person["date_of_birth"]:
        return None
    field, _, edit = kind.partition("_")
    if edit in EDITS:
        return one_error(field, edit, person, rng)

    given, family, born = person["given_name"], person["family_name"], person["date_of_birth"]
    year, month, day = born.split("-")
    dob = f"{day}/{month}/{year}"
    if kind == "exact":
        return {"given_name": given, "family_name": family, "date_of_birth": dob}
    if kind == "misspelt":
        if len(family) < 4 or not family.isalpha():
            return None
        return {"given_name": given, "family_name": one_edit(family, rng), "date_of_birth": dob}
    if kind == "nickname":
        if given not in NICKNAMES:
            return None
        return {"given_name": rng.choice(NICKNAMES[given]), "family_name": family, "date_of_birth": year}
    if kind == "swapped_dob":
        if int(day) > 12 or day == month:
            return None
        return {"given_name": given, "family_name": family, "date_of_birth": f"{month}/{day}/{year}"}
    if kind == "nhs_number":
        nhs = person["nhs_number"]
        return {"nhs_number": f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"} if nhs else None
    if kind == "postcode":
        return {"postcode": person["postcode"], "family_name": family} if person["postcode"] else None
    if kind == "swapped_names":
        return {"given_name": family, "family_name": given, "date_of_birth": dob}
    raise ValueError(kind)
