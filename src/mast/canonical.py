"""The canonical headline record (DESIGN.md §3) and the shared involvement categories.

Every partner's export is mapped onto these field names; everything downstream speaks only this vocabulary.
It sits at the bottom of MAST, beside config, and imports nothing: feeds maps files onto it, the sharing
agreement (governance, below feeds) names the fields each partner shares from it, and identity's pure
matching code reads it without Django.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    required: bool
    kind: str = "text"  # text | date | bool | sex | status | nhs_number | postcode
    max_length: int = 200


FIELDS: tuple[Field, ...] = (
    Field("record_id", True, max_length=64),
    Field("person_ref", True, max_length=64),
    Field("given_name", True, max_length=100),
    Field("middle_names", False, max_length=200),
    Field("family_name", True, max_length=100),
    Field("other_names", False, max_length=300),
    Field("date_of_birth", False, "date"),
    Field("sex", False, "sex"),
    Field("address_line_1", False),
    Field("address_line_2", False),
    Field("address_line_3", False),
    Field("town", False, max_length=100),
    Field("postcode", False, "postcode", max_length=10),
    Field("uprn", False, max_length=12),
    Field("nhs_number", False, "nhs_number", max_length=10),
    Field("involvement_type", True, max_length=100),
    Field("start_date", True, "date"),
    Field("end_date", False, "date"),
    Field("status", False, "status"),
    Field("lead_practitioner", False, max_length=150),
    Field("team", False, max_length=150),
    Field("contact_phone", False, max_length=40),
    Field("contact_email", False, max_length=254),
    Field("restricted", False, "bool"),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
REQUIRED_FIELDS = tuple(f.name for f in FIELDS if f.required)

SEXES = ("female", "male", "other", "unknown")
STATUSES = ("open", "closed")

# Shared categories that partners' own involvement types map to. Keys are stable codes used in the database.
CATEGORIES: dict[str, str] = {
    "police_attendance": "Police attendance",
    "domestic_abuse": "Domestic abuse incident",
    "missing_episode": "Missing person episode",
    "concern_for_welfare": "Concern for welfare",
    "csc_contact": "Children's social care contact",
    "csc_assessment": "Children's social care assessment",
    "child_in_need": "Child in need",
    "child_protection": "Child protection plan",
    "looked_after": "Looked-after child episode",
    "adult_safeguarding_enquiry": "Adult safeguarding enquiry",
    "adult_care_assessment": "Adult care and support assessment",
    "health_visiting": "Health visiting",
    "school_nursing": "School nursing",
    "ed_attendance": "Emergency department attendance",
    "maternity": "Maternity",
    "fire_home_safety_visit": "Fire home-safety visit",
    "fire_incident": "Fire incident",
    "education_concern": "Education welfare concern",
    "probation_supervision": "Probation supervision",
    "housing_concern": "Housing or tenancy concern",
    "other": "Other involvement",
}


# A relationships file's `relationship` (what the related person is to the person) as partners write it → the
# kind MAST keeps (identity.family loads it; `mast link` and matching read parent and child as age bounds).
RELATIONSHIP_KINDS = {
    "parent": "parent",
    "mother": "parent",
    "father": "parent",
    "child": "child",
    "son": "child",
    "daughter": "child",
    "sibling": "sibling",
    "brother": "sibling",
    "sister": "sibling",
    "carer": "carer",
    "cared_for": "cared_for",
    "cared for": "cared_for",
    "partner": "partner",
    "husband": "partner",
    "wife": "partner",
    "spouse": "partner",
}
# What the person is to the related person, from what the related person is to them: "B is A's parent" is
# "A is B's child". The family panel reads both ways; matching reads a parent and child as age bounds.
RELATIONSHIP_INVERSE = {
    "parent": "child",
    "child": "parent",
    "sibling": "sibling",
    "carer": "cared_for",
    "cared_for": "carer",
    "partner": "partner",
}
