"""Standardising names: folding accents and punctuation, titles and suffixes, digits misread for letters,
given-name groups (nicknames and variants), pet forms, and the sound of a name (Double Metaphone).

Third-party pieces:

- ``nicknames`` (``NickNamer``): a hand-curated English nickname list. It is noisy in two ways that matter
  here, and both are corrected (see `_build_canonicals`): it lists diminutives "both ways" (``bill`` has the
  nickname ``robert``), which would make William and Robert equivalent through Bill; and it links some names
  of different sexes (Louis/Louise, William/Wilma, George/Georgine, Emil/Emily, Andrew/Andrea, ...), which
  would make twins look like one person. UK variants it lacks live in ``data/name_variants.csv``
  (canonical,variant).
- ``doublemetaphone`` (the C++ Double Metaphone behind a CPython extension; a wheel for Python 3.11) rather
  than the pure-Python ``metaphone`` package: the same codes, several times faster. Before encoding, "mps"
  becomes "ms" (Thompson/Thomson, Sampson/Samson, Simpson/Simson), which Double Metaphone keeps apart.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files

from doublemetaphone import doublemetaphone as _doublemetaphone
from nicknames import NickNamer

from mast.identity.matching import CACHE_SIZE

# Letters that NFKD does not decompose into an ASCII base letter plus a combining mark.
_FOLD = str.maketrans(
    {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
     "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "\u0131": "i"}
)  # fmt: skip
# Full stop, ASCII apostrophe, backtick, and the typographic ones: right and left single quotation marks,
# acute accent, modifier letter apostrophe and turned comma, prime.
_APOSTROPHES_AND_STOPS = re.compile("[.'`\u2019\u2018\u00b4\u02bc\u02bb\u2032]")
_NOT_WORD = re.compile(r"[\W_]+")
_TITLES = frozenset((
    "mr", "mrs", "ms", "miss", "mx", "dr", "master", "rev", "revd", "reverend", "sir", "dame", "prof",
    "professor", "doctor",
))  # fmt: skip


_SUFFIXES = frozenset(("jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv"))
# Digits in a name are a scanner's or a keyboard's misreading of the letters they look like.
_NAME_DIGITS = str.maketrans({"0": "o", "1": "l", "5": "s"})


def _fold(text: str) -> str:
    """Accents off (NFKD, combining marks dropped), casefolded."""
    if text.isascii():  # nearly every name and address: nothing to decompose or translate
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=CACHE_SIZE)
def normalise_name(text: str | None) -> str:
    """'Mrs Siân O'Brien-Smith' → 'sian obrien smith'. "" for empty or None.

    Accents stripped, casefolded, leading titles and trailing suffixes ('Jr', 'III') dropped, apostrophes and
    full stops removed without a space, hyphens and all other punctuation turned into a single space, digits
    read as the letters they are mistaken for ('J0hn' → 'john').
    """
    if not text:
        return ""
    folded = _fold(str(text))
    if any(ch.isdigit() for ch in folded):
        folded = folded.translate(_NAME_DIGITS)
    tokens = _NOT_WORD.sub(" ", _APOSTROPHES_AND_STOPS.sub("", folded)).split()
    start, end = 0, len(tokens)
    while start < end and tokens[start] in _TITLES:
        start += 1
    while end - start > 1 and tokens[end - 1] in _SUFFIXES:
        end -= 1
    return " ".join(tokens[start:end])


def name_tokens(text: str | None) -> list[str]:
    """The tokens of `normalise_name`: 'Smith-Jones' → ['smith', 'jones']."""
    return normalise_name(text).split()


# Pairs the nicknames package links but which are different people's names: a name of the other sex (twins
# are named like this), or two distinct full names that siblings are given. Tested; extend with care.
_DIFFERENT_SEXES = (
    "aaron/erin", "aron/erin", "alexander/alexandria", "andrew/andrea", "anselm/selma", "clare/clarence",
    "clement/clementine", "cole/nicholette", "cole/nicole", "earnest/ernestine", "edwin/edwina", "emil/emily",
    "ernest/ernestine", "evan/evangeline", "felix/felicia", "frederick/frederica", "george/georgine",
    "jack/jacqueline", "jude/judith", "june/junius", "justin/justina", "lawrence/laurinda", "louis/louise",
    "lucius/lucia", "lyndon/lynn", "paul/polly", "ron/veronica", "ronnie/veronica", "ronny/veronica",
    "sally/salvador", "vernon/laverne", "william/wilma", "william/bell", "william/bela",
)  # fmt: skip
_DIFFERENT_NAMES = (
    "amelia/emily", "anna/hannah", "caroline/chick", "cecilia/sheila", "charlotte/chick", "derrick/eric",
    "eleanor/helena", "gretchen/margaret", "hannah/joanna", "hannah/johannah", "hannah/susan",
    "hannah/susannah", "ian/john", "ivan/john", "jane/virginia", "johnathan/nathan", "jonathan/nathan",
    "patrick/peter",
)  # fmt: skip
_NOT_EQUIVALENT = frozenset(frozenset(pair.split("/")) for pair in _DIFFERENT_SEXES + _DIFFERENT_NAMES)


# The MAST team's own lists (canonical,variant), for what the US-made `nicknames` list lacks:
# `name_variants.csv`, other spellings and pet forms of names common in the UK (Mohammed/Muhammad); and
# `uk_pet_forms.csv`, British pet forms, most of them of names the list holds only in a man's form or not at
# all (Nicola/Nicky, Philippa/Pippa, Gillian/Gill) or in clipped forms it does not know (Gaz, Mags, Tash).
LOCAL_LISTS = ("name_variants.csv", "uk_pet_forms.csv")


def _local_variants() -> list[tuple[str, str]]:
    rows = []
    for name in LOCAL_LISTS:
        text = files("mast.identity").joinpath("data", name).read_text(encoding="utf-8")
        for row in csv.DictReader(text.splitlines()):
            canonical, variant = normalise_name(row["canonical"]), normalise_name(row["variant"])
            if canonical and variant and canonical != variant:
                rows.append((canonical, variant))
    return rows


# A pet form of the commonest English shape, a doubled consonant and -y or -ie, is written with the other
# ending, or -i, as often (Vicky, Vickie, Vicki; Tilly, Tillie; Sammy, Sammie, Sammi): each spelling of a
# listed pet form of that shape stands for what the listed one does, unless it is a name of its own already.
_PET_FORM = re.compile(r"^(?P<stem>[a-z]+(?:bb|ck|dd|ff|gg|kk|ll|mm|nn|pp|rr|ss|tt|zz))(?:ie|y)$")
_PET_ENDINGS = ("y", "ie", "i")


def _other_endings(canonicals: dict[str, set[str]]) -> dict[str, set[str]]:
    """Short pet forms' other spellings, each with the canonical names of the forms it is a spelling of."""
    known = set(canonicals) | {c for cands in canonicals.values() for c in cands}
    spelt: dict[str, set[str]] = {}
    for name, cands in canonicals.items():
        match = _PET_FORM.match(name)
        if not match or not cands or len(name) > 6:
            continue
        for ending in _PET_ENDINGS:
            other = match["stem"] + ending
            if other not in known:
                spelt.setdefault(other, set()).update(cands)
    return spelt


@cache
def _build_canonicals() -> dict[str, frozenset[str]]:
    """name → the canonical names it may stand for (itself not included).

    From the nicknames package, less two kinds of edge: the back-edge from a full name to its own diminutive
    (the package has both ``robert → bill`` and ``bill → robert``; keeping the second as "Robert may stand for
    Bill" would join Robert and William through Bill), i.e. of a mutual pair the shorter name is dropped as a
    canonical of the longer; and the pairs in `_NOT_EQUIVALENT`. Then the local UK variants are added.
    """
    package = NickNamer().canonical_lookup
    package = {
        normalise_name(name): {normalise_name(c) for c in canonicals} for name, canonicals in package.items()
    }
    canonicals: dict[str, set[str]] = {}
    for name, cands in package.items():
        kept = {
            c for c in cands if c and c != name and not (name in package.get(c, ()) and len(c) < len(name))
        }
        if kept:
            canonicals[name] = kept
    for canonical, variant in _local_variants():
        canonicals.setdefault(variant, set()).add(canonical)
    for other, cands in _other_endings(canonicals).items():
        canonicals[other] = cands
    return {
        name: frozenset(c for c in cands if frozenset((name, c)) not in _NOT_EQUIVALENT)
        for name, cands in canonicals.items()
    }


@lru_cache(maxsize=CACHE_SIZE)
def given_name_groups(name: str | None) -> tuple[str, ...]:
    """Sorted canonical given names that this (first) given name may stand for, the name itself included.

    'Katie' → ('catherine', 'katherine', 'katia', 'katie', 'kathryn'). Two names are nickname-equivalent
    exactly when their groups intersect (`names_equivalent`). Only the first token counts ('Mary Jane' →
    groups of 'mary'), as in `standardise`'s ``given_name``. () for an empty name.
    """
    tokens = normalise_name(name).split()
    if not tokens:
        return ()
    first = tokens[0]
    canonicals = _build_canonicals()
    groups = {first} | canonicals.get(first, frozenset())
    if first not in _known_names() and len(first) >= 4:
        # A name found in no list is most likely a slip of the keyboard for one that is ("Vixtoria"): when
        # exactly one known name is a single edit away — or several, all spellings of one name ("Kathrine":
        # Katharine, Katherine) — the name also stands for that name's groups.
        known = _known_names()
        near = [word for word in _one_edit(first) if word in known]
        near_groups = [{word} | canonicals.get(word, frozenset()) for word in near]
        if near_groups and set.intersection(*near_groups):
            groups |= set.union(*near_groups)
    return tuple(sorted(groups))


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    canonicals = _build_canonicals()
    # Names held apart are real names too (Georgine, Edwina): never "correct" one into the other.
    held_apart = {name for pair in _NOT_EQUIVALENT for name in pair}
    return frozenset(canonicals) | {name for names in canonicals.values() for name in names} | held_apart


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def known_given_names() -> frozenset[str]:
    """Every given name the lists hold, standardised: what search looks up for the names a name may stand
    for."""
    return _known_names()


def _one_edit(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away (Norvig's spelling edits)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS if c != b[0]}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | transposes | replaces | inserts) - {word}


def names_equivalent(a: str | None, b: str | None) -> bool:
    """True when the two given names may be the same name (same, nickname or variant): groups intersect."""
    return not set(given_name_groups(a)).isdisjoint(given_name_groups(b))


# English pet forms are mostly the start of the name, often with -ie or -y after a doubled consonant:
# Fred and Freddie for Frederick, Alfie, Archie, Rosie, Josie, Timmy, Kenny, Reggie.
_DIMINUTIVE = re.compile(r"(?:ie|ey|y)$")


@lru_cache(maxsize=CACHE_SIZE)
def short_form_stem(name: str | None) -> str:
    """What a pet form keeps of the full name: 'freddie' → 'fred', 'timmy' → 'tim', 'theo' → 'theo'. Only
    for names of up to seven letters (pet forms are short); "" otherwise. Compared as a prefix of the other
    record's given name by the model's short-form level."""
    if not name or len(name) > 7:
        return ""
    stem = _DIMINUTIVE.sub("", name)
    if len(stem) >= 3 and stem[-1] == stem[-2]:
        stem = stem[:-1]
    return stem if len(stem) >= 2 else name


_SILENT_P = re.compile(r"mps")


@lru_cache(maxsize=CACHE_SIZE)
def double_metaphone(name: str | None) -> tuple[str, str]:
    """(primary, alternate) Double Metaphone codes of the normalised name without spaces; "" when none."""
    squashed = normalise_name(name).replace(" ", "")
    if not squashed:
        return ("", "")
    primary, alternate = _doublemetaphone(_SILENT_P.sub("ms", squashed))
    return (primary or "", alternate or "")
