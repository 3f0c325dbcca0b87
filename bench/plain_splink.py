"""The plain Splink 5 model MAST is measured against: default comparisons as Splink's documentation sets
them up, no rule of MAST's, and MAST's own blocking rules so both see the same candidate pairs. The
identity-quality bench and the linkage bench's side-by-side dedupe both use it: one "plain Splink"."""


def settings(address_column: str):
    """Splink settings for a dedupe of standardised records; `address_column` is the one address field the
    caller's records carry (the street, or the first address line)."""
    from splink import SettingsCreator
    from splink import comparison_library as cl

    from mast.identity.matching.fellegi_sunter import BLOCKING_RULES

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.LevenshteinAtThresholds(address_column, [1, 3]),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nhs_number"),
        ],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        retain_matching_columns=False,
    )
