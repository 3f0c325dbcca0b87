"""Standardising UK postcodes: the form, the outward code and the sector."""

from __future__ import annotations

import re
from functools import lru_cache

from mast.identity.matching import CACHE_SIZE

_OUTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_POSTCODE = re.compile(rf"({_OUTCODE.pattern})([0-9][A-Z]{{2}})")


@lru_cache(maxsize=CACHE_SIZE)
def normalise_postcode(postcode: str | None) -> str:
    """'ns93aj' → 'NS9 3AJ'; an outcode alone ('ns9') stays an outcode; "" for empty or not a postcode."""
    if not postcode:
        return ""
    squashed = re.sub(r"[^0-9A-Za-z]", "", str(postcode)).upper()
    if match := _POSTCODE.fullmatch(squashed):
        return f"{match.group(1)} {match.group(2)}"
    return squashed if _OUTCODE.fullmatch(squashed) else ""


def outcode(postcode: str | None) -> str:
    """'NS9 3AJ' → 'NS9' (missing space and lower case tolerated); "" for empty."""
    return normalise_postcode(postcode).partition(" ")[0]


def postcode_sector(postcode: str | None) -> str:
    """'NS9 3AJ' → 'NS9 3'; "" when there is no inward code."""
    out, _, inward = normalise_postcode(postcode).partition(" ")
    return f"{out} {inward[0]}" if inward else ""
