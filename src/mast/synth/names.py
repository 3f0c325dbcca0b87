"""Name pools for the synthetic region, and the ways partners' staff get names wrong.

The pools are Faker's `en_GB` lists, topped up with names that have the nickname and spelling variants
practitioners meet every day, so those hard cases occur often enough to test matching against.
"""

import random

from faker.providers.person.en_GB import Provider as FakerPerson

# Names whose variants matter in safeguarding work but which Faker's lists lack or hold too rarely.
EXTRA_FEMALE = (
    "Catherine",
    "Katherine",
    "Kayleigh",
    "Zoë",
    "Siân",
    "Niamh",
    "Aaliyah",
    "Isabel",
    "Caitlin",
    "Jacqueline",
    "Abigail",
    "Jessica",
    "Olivia",
    "Victoria",
    "Rebecca",
    "Elizabeth",
    "Margaret",
    "Samantha",
    "Charlotte",
    "Deborah",
    "Amelia",
    "Renée",
)
EXTRA_MALE = (
    "Mohammed",
    "John",
    "Jonathan",
    "William",
    "Robert",
    "James",
    "Michael",
    "Thomas",
    "Daniel",
    "Joseph",
    "Alexander",
    "Christopher",
    "Anthony",
    "Matthew",
    "Nicholas",
    "Stephen",
    "Benjamin",
    "Oliver",
    "Jayden",
    "Philip",
    "Lewis",
    "Edward",
    "Geoffrey",
    "Oisín",
)

# Repeating the extra names makes them more common, as they are in the population MAST serves.
FEMALE_POOL = FakerPerson.first_names_female + EXTRA_FEMALE * 3
MALE_POOL = FakerPerson.first_names_male + EXTRA_MALE * 3
SURNAMES: tuple[str, ...] = tuple(FakerPerson.last_names)
SURNAME_WEIGHTS: tuple[float, ...] = tuple(FakerPerson.last_names.values())

# Informal forms a practitioner may record instead of the registered given name.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "John": ("Jon", "Johnny", "Jack"),
    "Jonathan": ("Jon", "Jonny"),
    "Catherine": ("Katie", "Kate", "Cathy"),
    "Katherine": ("Katie", "Kate", "Kathy"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"),
    "William": ("Will", "Bill", "Billy"),
    "Robert": ("Rob", "Bob", "Bobby"),
    "James": ("Jim", "Jamie"),
    "Margaret": ("Maggie", "Peggy"),
    "Michael": ("Mike", "Mick"),
    "Thomas": ("Tom", "Tommy"),
    "Daniel": ("Dan", "Danny"),
    "Joseph": ("Joe", "Joey"),
    "Alexander": ("Alex", "Sandy"),
    "Christopher": ("Chris",),
    "Anthony": ("Tony",),
    "Matthew": ("Matt",),
    "Nicholas": ("Nick",),
    "Stephen": ("Steve",),
    "Benjamin": ("Ben",),
    "Oliver": ("Ollie",),
    "Edward": ("Ed", "Ted", "Eddie"),
    "Jacqueline": ("Jackie",),
    "Abigail": ("Abbie", "Abby"),
    "Jessica": ("Jess",),
    "Olivia": ("Liv",),
    "Victoria": ("Vicky", "Tori"),
    "Rebecca": ("Becky", "Becca"),
    "Samantha": ("Sam", "Sammy"),
    "Charlotte": ("Charlie", "Lottie"),
    "Deborah": ("Debbie", "Debs"),
    "Amelia": ("Millie",),
    "Philip": ("Phil",),
    "Geoffrey": ("Geoff",),
}

# Other spellings of the same name, as written by someone who heard it rather than read it.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "Mohammed": ("Muhammad", "Mohammad", "Mohamed"),
    "Catherine": ("Katherine", "Kathryn"),
    "Katherine": ("Catherine", "Kathryn"),
    "Stephen": ("Steven",),
    "Kayleigh": ("Kayley", "Kaylee"),
    "Zoë": ("Zoe",),
    "Siân": ("Sian",),
    "Aaliyah": ("Aliyah",),
    "Isabel": ("Isobel", "Isabelle"),
    "Caitlin": ("Katelyn", "Caitlyn"),
    "Jayden": ("Jaden",),
    "Philip": ("Phillip",),
    "Lewis": ("Louis",),
    "Geoffrey": ("Jeffrey",),
    "Renée": ("Renee",),
    "Oisín": ("Oisin",),
    "Sarah": ("Sara",),
    "Ann": ("Anne",),
}
SURNAME_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Smith": ("Smyth",),
    "Thompson": ("Thomson",),
    "Davies": ("Davis",),
    "Macdonald": ("McDonald",),
    "Matthews": ("Mathews",),
    "Phillips": ("Philips",),
    "Reid": ("Reed",),
    "Stevens": ("Stephens",),
    "Clarke": ("Clark",),
    "Gray": ("Grey",),
}

KEYBOARD_NEIGHBOURS = {
    "a": "sq",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "y": "tu",
}


def given_name(rng: random.Random, sex: str) -> str:
    return rng.choice(FEMALE_POOL if sex == "female" else MALE_POOL)


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]


def typo(rng: random.Random, name: str) -> str:
    """One keying slip: a neighbouring key, a dropped or doubled letter, or two letters swapped."""
    if len(name) < 3:
        return name + name[-1]
    i = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        near = KEYBOARD_NEIGHBOURS.get(name[i].lower())
        if near:
            return name[:i] + rng.choice(near) + name[i + 1 :]
        kind = 1
    if kind == 1:
        return name[:i] + name[i + 1 :]
    if kind == 2:
        return name[:i] + name[i] + name[i:]
    return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :]


# What a scanner or a tired eye reads for what: "rn" for "m", "0" for "o", "1" for "l" (and back).
OCR_CONFUSIONS = (("m", "rn"), ("rn", "m"), ("o", "0"), ("l", "1"), ("cl", "d"), ("d", "cl"), ("i", "l"))


def ocr_misread(rng: random.Random, name: str) -> str:
    """One misreading of a written or scanned name; the name unchanged when none applies."""
    lower = name.lower()
    options = [(i, a, b) for a, b in OCR_CONFUSIONS for i in range(1, len(lower)) if lower.startswith(a, i)]
    if not options:
        return name
    i, a, b = rng.choice(options)
    return name[:i] + b + name[i + len(a) :]
