"""The Fellegi-Sunter model MAST matches people with: its comparisons, blocking rules, training and storage.

Splink 5 on DuckDB does the arithmetic. What is MAST's own is the shape of the evidence:

- a valid NHS number agreeing is decisive, and disagreeing is strong evidence against (and a veto, see rules);
- given names agree exactly, as nicknames or variants of one name (Jon/John, Katie/Catherine,
  Mohammed/Muhammad), as one record's given name being the other's middle name, or within a typo;
- family names agree exactly, through a former or alias surname (marriage), by sound, or within a typo;
- dates of birth agree exactly, with day and month transposed, within one keyed digit, a year out, or only on
  the year when one side is partial;
- address and postcode are one comparison, not two, because they are not independent evidence.

Name agreement is adjusted for how common the name is (term frequency), so "John Smith" counts for less than
"Oisín Featherstonehaugh". The comparisons are written as Splink settings (plain SQL conditions) so that the
saved model is a readable, versioned JSON document.
"""

import json
from dataclasses import dataclass
from pathlib import Path

NULL, ELSE = "null", "else"


def _level(condition: str, label: str, *, null: bool = False, tf: str | None = None) -> dict:
    level: dict = {"sql_condition": condition, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    return level


def _either_null(column: str) -> str:
    return f'"{column}_l" IS NULL OR "{column}_r" IS NULL'


# Given and family names recorded the other way round ("Morgan Lewis" for Lewis Morgan), each as written or
# within a typo, or — a swap and a pet form at once ("Turner Henry" and "Hank Turner") — the given name's
# nickname and variant group holding the other record's family name. A level of both comparisons: a swap
# agrees on both names, as a pair in the right order does.
def _close(left: str, right: str) -> str:
    groups = (
        'list_has_any("given_name_groups_l", "family_names_r")'
        if left == "given_name"
        else 'list_has_any("family_names_l", "given_name_groups_r")'
    )
    return (
        f'("{left}_l" = "{right}_r" OR "{left}_dm_l" = "{right}_dm_r"'
        f' OR jaro_winkler_similarity("{left}_l", "{right}_r") >= 0.88 OR {groups})'
    )


SWAPPED = f"{_close('given_name', 'family_name')} AND {_close('family_name', 'given_name')}"
SWAPPED_LABEL = "Given and family names swapped"


COMPARISONS: list[dict] = [
    {
        "output_column_name": "nhs_number",
        "comparison_description": "NHS number (valid check digit only)",
        "comparison_levels": [
            _level(_either_null("nhs_number"), "NHS number missing", null=True),
            _level('"nhs_number_l" = "nhs_number_r"', "Same NHS number"),
            _level("ELSE", "Different NHS numbers"),
        ],
    },
    {
        "output_column_name": "given_name",
        "comparison_description": "Given name",
        "comparison_levels": [
            _level(_either_null("given_name"), "Given name missing", null=True),
            _level('"given_name_l" = "given_name_r"', "Same given name", tf="given_name"),
            _level(
                'list_has_any("given_name_groups_l", "given_name_groups_r")',
                "Nickname or variant of the same name",
            ),
            _level(
                '"given_name_l" = "middle_name_r" OR "middle_name_l" = "given_name_r"',
                "One record's given name is the other's middle name",
            ),
            _level(SWAPPED, SWAPPED_LABEL),
            # No sound-alike level for given names: Lucy and Lewis sound alike and are a sister and brother.
            # Two known names one letter apart are mostly one name's spellings (Alison and Allison); two
            # known names further apart are two names, however alike (Christine and Christian).
            _level(
                'damerau_levenshtein("given_name_l", "given_name_r") <= 1'
                ' OR (jaro_winkler_similarity("given_name_l", "given_name_r") >= 0.9'
                ' AND NOT coalesce("given_name_known_l" AND "given_name_known_r", false))',
                "Given names within a typo",
            ),
            # Two slips ("Naiomm"/"Naomi", "rn" read for "m") only when one spelling is no known name: two
            # real names two letters apart (Jack/Jake, Ella/Ellie) are what siblings are called.
            _level(
                'damerau_levenshtein("given_name_l", "given_name_r") <= 2'
                ' AND least(length("given_name_l"), length("given_name_r")) >= 4'
                ' AND NOT coalesce("given_name_known_l" AND "given_name_known_r", false)',
                "Given names two keying slips apart, one no known name",
            ),
            # A pet form no list holds ("Theo", "Alfie", "Loz" is beyond it): the start of the longer name.
            _level(
                '(length("given_name_l") < length("given_name_r")'
                ' AND starts_with("given_name_r", "given_name_stem_l"))'
                ' OR (length("given_name_r") < length("given_name_l")'
                ' AND starts_with("given_name_l", "given_name_stem_r"))',
                "One given name is a short form of the other",
            ),
            _level(
                '(length("given_name_l") = 1 AND "given_name_l" = substr("given_name_r", 1, 1))'
                ' OR (length("given_name_r") = 1 AND "given_name_r" = substr("given_name_l", 1, 1))',
                "One given name is the other's initial",
            ),
            _level("ELSE", "Different given names"),
        ],
    },
    {
        "output_column_name": "family_name",
        "comparison_description": "Family name",
        "comparison_levels": [
            _level(_either_null("family_name"), "Family name missing", null=True),
            _level('"family_name_l" = "family_name_r"', "Same family name", tf="family_name"),
            _level(
                'list_has_any("family_names_l", "family_names_r")',
                "A former, alias or double-barrelled family name agrees",
            ),
            _level(SWAPPED, SWAPPED_LABEL),
            _level('"family_name_dm_l" = "family_name_dm_r"', "Family names sound the same"),
            _level(
                'jaro_winkler_similarity("family_name_l", "family_name_r") >= 0.88',
                "Family names within a typo",
            ),
            _level(
                'damerau_levenshtein("family_name_l", "family_name_r") <= 2'
                ' AND least(length("family_name_l"), length("family_name_r")) >= 4',
                "Family names two keying slips apart",
            ),
            # Most people whose surname changes are women who married: a different surname is much weaker
            # evidence against a woman being the same person than against a man.
            _level(
                "(\"sex_l\" = 'female' OR \"sex_r\" = 'female')"
                " AND coalesce(\"sex_l\", '') <> 'male' AND coalesce(\"sex_r\", '') <> 'male'",
                "Different family names, a woman's (she may have married)",
            ),
            _level("ELSE", "Different family names"),
        ],
    },
    {
        "output_column_name": "date_of_birth",
        "comparison_description": "Date of birth",
        "comparison_levels": [
            _level(_either_null("birth_year"), "Date of birth missing", null=True),
            _level('"dob_l" = "dob_r"', "Same date of birth"),
            _level(
                'substr("dob_l", 1, 4) = substr("dob_r", 1, 4)'
                ' AND substr("dob_l", 6, 2) = substr("dob_r", 9, 2)'
                ' AND substr("dob_l", 9, 2) = substr("dob_r", 6, 2)',
                "Day and month transposed",
            ),
            _level('damerau_levenshtein("dob_l", "dob_r") <= 1', "Dates of birth one keyed digit apart"),
            _level(
                'substr("dob_l", 6, 5) = substr("dob_r", 6, 5) AND abs("birth_year_l" - "birth_year_r") = 1',
                "Same birthday, a year apart",
            ),
            _level(
                '("dob_l" IS NULL OR "dob_r" IS NULL) AND "birth_year_l" = "birth_year_r"',
                "Same year of birth (one date partial)",
            ),
            _level("ELSE", "Different dates of birth"),
        ],
    },
    {
        "output_column_name": "sex",
        "comparison_description": "Sex",
        "comparison_levels": [
            _level(_either_null("sex"), "Sex missing", null=True),
            _level('"sex_l" = "sex_r"', "Same sex"),
            _level("ELSE", "Different sex"),
        ],
    },
    {
        "output_column_name": "address",
        "comparison_description": "Address and postcode",
        "comparison_levels": [
            _level(
                '("address_key_l" IS NULL AND "postcode_l" IS NULL AND "street_l" IS NULL)'
                ' OR ("address_key_r" IS NULL AND "postcode_r" IS NULL AND "street_r" IS NULL)',
                "Address missing",
                null=True,
            ),
            _level('"address_key_l" = "address_key_r"', "Same address"),
            _level(
                '"house_number_l" = "house_number_r" AND "street_l" = "street_r"'
                ' AND "outcode_l" = "outcode_r"',
                "Same house and street",
            ),
            # A record without a postcode still says where: the same number in a street of the same name
            # (which may be in another town, so it counts for less than with the postcode).
            _level(
                '"house_number_l" = "house_number_r" AND "street_l" = "street_r"'
                ' AND ("outcode_l" IS NULL OR "outcode_r" IS NULL)',
                "Same house and street, one postcode missing",
            ),
            _level('"postcode_l" = "postcode_r"', "Same postcode"),
            _level('"street_l" = "street_r" AND "outcode_l" = "outcode_r"', "Same street"),
            _level('"postcode_sector_l" = "postcode_sector_r"', "Same postcode sector"),
            _level("ELSE", "Different address"),
        ],
    },
]

# What each comparison is called where people read it: the review screen, a search result's reasons.
COMPARISON_TITLES = {
    "nhs_number": "NHS number",
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "address": "Address",
}

# Pairs are only scored if they agree on one of these; together they catch every kind of error in the
# synthetic region's error model while keeping the pairs to score in the low millions at a million records.
BLOCKING_RULES: list[str] = [
    "l.nhs_number = r.nhs_number",
    "l.dob = r.dob AND l.family_name_dm = r.family_name_dm",
    "l.dob = r.dob AND l.given_name_dm = r.given_name_dm",
    "l.postcode = r.postcode AND l.given_name_dm = r.given_name_dm",
    "l.postcode = r.postcode AND l.family_name_dm = r.family_name_dm",
    "l.given_name_dm = r.given_name_dm AND l.family_name_dm = r.family_name_dm"
    " AND l.birth_year = r.birth_year",
    "l.address_key = r.address_key AND l.birth_year = r.birth_year",
    "l.given_name = r.given_name AND l.family_name = r.family_name AND l.outcode = r.outcode",
    "l.dob = r.dob AND l.postcode = r.postcode",
    "l.house_number = r.house_number AND l.street = r.street AND l.given_name_dm = r.given_name_dm",
    "l.house_number = r.house_number AND l.street = r.street AND l.family_name_dm = r.family_name_dm",
    "l.house_number = r.house_number AND l.street = r.street AND l.birth_year = r.birth_year",
    "l.postcode = r.postcode AND l.house_number = r.house_number"
    " AND list_has_any(l.given_name_groups, r.given_name_groups)",
    # A move and a slip in the date of birth at once: the names' sounds with the street, or the birthday.
    "l.given_name_dm = r.given_name_dm AND l.family_name_dm = r.family_name_dm AND l.street = r.street",
    "l.given_name_dm = r.given_name_dm AND l.family_name_dm = r.family_name_dm"
    " AND substr(l.dob, 6, 5) = substr(r.dob, 6, 5)",
    # Given and family names swapped: each name's sound against the other's. Splink keeps only pairs whose
    # left record has the lower id, so a rule that reads one record's given name against the other's family
    # name finds a swap on one side only: each is written both ways round.
    "l.dob = r.dob AND l.given_name_dm = r.family_name_dm",
    "l.dob = r.dob AND l.family_name_dm = r.given_name_dm",
    "l.given_name_dm = r.family_name_dm AND l.family_name_dm = r.given_name_dm",
    # Swapped with a second error (a slip in one name, a date of birth keyed wrongly or missing): one name
    # against the other within the postcode.
    "l.postcode = r.postcode AND l.given_name_dm = r.family_name_dm",
    "l.postcode = r.postcode AND l.family_name_dm = r.given_name_dm",
]
# Expectation-maximisation sessions: each fixes what it blocks on and learns the rest. Not the postcode: the
# pairs sharing a postcode are mostly members of one household, who agree on surname and address and differ
# on given name and date of birth just as one person's records with errors would; EM then takes households for
# matches and learns that different given names and dates of birth are common among true matches (m = 0.4,
# against 0.01 measured on a synthetic region's truth). Blocked on a date of birth, or on a whole name, the
# pairs are mostly people with themselves, and the m values it learns match the truth's within a few points.
TRAINING_BLOCKS: list[str] = [
    "l.dob = r.dob",
    "l.given_name = r.given_name AND l.family_name = r.family_name",
]
# Rules almost certain to be matches, with the share of true matches they are thought to find: they set the
# prior probability that two records picked at random are the same person.
PRIOR_RULES = [
    "l.nhs_number = r.nhs_number",
    "l.dob = r.dob AND l.given_name = r.given_name AND l.family_name = r.family_name",
]
PRIOR_RECALL = 0.8

COLUMNS = (
    "unique_id",
    "source",
    "given_name",
    "given_name_known",
    "given_name_stem",
    "middle_name",
    "given_name_groups",
    "given_name_dm",
    "family_name",
    "family_names",
    "family_name_dm",
    "dob",
    "birth_year",
    "sex",
    "nhs_number",
    "postcode",
    "postcode_sector",
    "outcode",
    "house_number",
    "street",
    "address_key",
)


def base_settings() -> dict:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "blocking_rules_to_generate_predictions": [{"blocking_rule": r} for r in BLOCKING_RULES],
        "comparisons": COMPARISONS,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": ["source"],
        "em_convergence": 0.001,
        "max_iterations": 20,
    }


def tidy_trained(settings: dict) -> dict:
    """Partial agreement weighs between total agreement and total disagreement, whatever EM made of it.

    A level seen too rarely among the sampled matches gets m near 0 from EM, so minus 35 bits: a veto nobody
    chose. Its m is raised until it weighs what "different" weighs. And a level seen almost never among random
    pairs (names swapped, a pet form) gets u near 0, so more bits than the names agreeing exactly: "Allan
    Martin" outranked Martyn Allen himself in a search for Martyn Allen. Its m is lowered until it weighs what
    "the same" weighs."""
    for comparison in settings["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        if not levels or levels[-1]["sql_condition"].strip().upper() != "ELSE":
            continue
        floor, top = levels[-1], levels[0]
        if not floor.get("m_probability") or not floor.get("u_probability"):
            continue
        ratio = floor["m_probability"] / floor["u_probability"]
        ceiling = None
        if top.get("m_probability") and top.get("u_probability"):
            ceiling = top["m_probability"] / top["u_probability"]
        for level in levels[1:-1]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if m is None or not u:
                continue
            if m / u < ratio:
                level["m_probability"] = u * ratio
            elif ceiling is not None and m / u > ceiling:
                level["m_probability"] = u * ceiling
    return settings


@dataclass(frozen=True)
class SavedModel:
    version: str
    settings: dict
    path: Path

    def level_labels(self) -> dict[str, dict[int, str]]:
        """comparison -> gamma value -> label, for explanations."""
        labels: dict[str, dict[int, str]] = {}
        for comparison in self.settings["comparisons"]:
            levels = comparison["comparison_levels"]
            non_null = [lv for lv in levels if not lv.get("is_null_level")]
            table = {len(non_null) - 1 - i: lv["label_for_charts"] for i, lv in enumerate(non_null)}
            table[-1] = next((lv["label_for_charts"] for lv in levels if lv.get("is_null_level")), "missing")
            labels[comparison["output_column_name"]] = table
        return labels


def save_model(settings: dict, directory: Path) -> SavedModel:
    """Write the trained model as the next version; earlier versions stay, so any link can be explained."""
    directory.mkdir(parents=True, exist_ok=True)
    existing = sorted(int(p.stem.split("-v")[-1]) for p in directory.glob("model-v*.json"))
    version = f"v{(existing[-1] + 1) if existing else 1}"
    path = directory / f"model-{version}.json"
    path.write_text(
        json.dumps({"mast_model_version": version, "splink": settings}, indent=1), encoding="utf-8"
    )
    return SavedModel(version, settings, path)


STARTER_MODEL = Path(__file__).resolve().parents[1] / "data" / "starter-model.json"
# Fewer records than this are too few to train on: the starter model, trained on a synthetic region, is used.
MIN_TRAINING_RECORDS = 5000


def starter_model() -> SavedModel:
    return read_model(STARTER_MODEL)


def latest_model(directory: Path) -> SavedModel | None:
    paths = sorted(directory.glob("model-v*.json"), key=lambda p: int(p.stem.split("-v")[-1]))
    if not paths:
        return None
    return read_model(paths[-1])


def read_model(path: Path) -> SavedModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    return SavedModel(data["mast_model_version"], data["splink"], path)
