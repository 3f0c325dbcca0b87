"""Whether a stated case reference has the shape of a real one: the practitioner's agency's own shapes (a MASH
contact number, a crime reference), each a regular expression with an example, or, for an agency that has not
configured any yet, a floor that still refuses "x" and "." (four or more characters, at least one a digit).

The check cannot prove that a case exists (MAST does not see partners' case systems), but it makes a stated
reference something an IG officer can look up in the agency's own system, which a placeholder is not.
"""

import re

from django.core.exceptions import ValidationError

FALLBACK_EXAMPLE = "MASH-004512"
_FALLBACK = re.compile(r"(?=.*\d)[A-Za-z0-9][A-Za-z0-9/\-_. ]{3,}")


def check_shape(pattern: str, example: str) -> None:
    """For the administrator configuring a shape: it compiles, and its own example fits it."""
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise ValidationError({"pattern": f"This is not a valid regular expression: {error}"}) from None
    if not compiled.fullmatch(example):
        raise ValidationError({"example": "The example must itself have the shape the pattern describes"})


def check(agency, reference: str) -> None:
    """Refuse a reference that fits none of the agency's shapes, naming each shape with its example."""
    shapes = list(agency.case_reference_shapes.all()) if agency is not None else []
    if not shapes:
        if not _FALLBACK.fullmatch(reference):
            raise ValidationError(
                {
                    "reference": "Enter the reference from your agency's own system, at least 4 characters "
                    f"including a number, like {FALLBACK_EXAMPLE}"
                }
            )
        return
    if any(re.fullmatch(shape.pattern, reference, flags=re.IGNORECASE) for shape in shapes):
        return
    examples = " or ".join(f"{_a(shape.name)} {shape.name.lower()} like {shape.example}" for shape in shapes)
    raise ValidationError({"reference": f"Enter {examples}"})


def _a(name: str) -> str:
    return "an" if name[:1].lower() in "aeiou" else "a"


def hint(agency) -> str:
    """The shapes the purpose page suggests, in the agency's own words."""
    shapes = list(agency.case_reference_shapes.all()) if agency is not None else []
    if not shapes:
        return (
            "The reference in your own agency's system, for example a MASH contact or crime reference number."
        )
    return "Your agency's " + " or ".join(f"{s.name.lower()}, like {s.example}" for s in shapes) + "."
