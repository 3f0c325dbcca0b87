"""Filters for the practitioner's pages: NHS numbers, match confidence and evidence, as people read them."""

from datetime import date

from django import template
from django.utils import timezone

from mast.web.presenters import review as pair_rows

register = template.Library()


@register.filter
def nhs_number(value: str) -> str:
    """An NHS number in the usual 3-3-4 groups (943 476 5919); anything else as given."""
    digits = "".join((value or "").split())
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return value or ""


@register.filter
def confidence(probability: float | None) -> str:
    """A match probability as a percentage, never rounded up to a certainty it does not have."""
    return "" if probability is None else pair_rows.percent(probability)


@register.filter
def evidence(weight) -> str:
    """A match weight in bits of evidence, signed."""
    try:
        return pair_rows.bits(float(weight or 0.0))
    except (TypeError, ValueError):
        return ""


@register.filter
def comparison(name: str) -> str:
    """The model's name for a comparison (date_of_birth) as a person reads it (Date of birth)."""
    name = str(name or "")
    return pair_rows.COMPARISON_LABELS.get(name, name.replace("_", " ").capitalize() or "Other")


@register.filter
def address_text(address) -> str:
    """A standardised address on one line: its lines, town and postcode, the blank ones left out."""
    parts = (address.line_1, address.line_2, address.line_3, address.town, address.postcode)
    return ", ".join(p for p in parts if p)


@register.filter
def months_since(day: date) -> int:
    """Whole months from `day` to today: the display window, from the date it starts."""
    today = timezone.localdate()
    return (today.year - day.year) * 12 + today.month - day.month


@register.filter
def as_of(moment) -> str:
    """When partner data was last refreshed, as a practitioner says it: "05:10 today", "18:40 yesterday",
    "27 Nov 05:10"."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    days = (timezone.localdate() - local.date()).days
    if days == 0:
        return f"{local:%H:%M} today"
    if days == 1:
        return f"{local:%H:%M} yesterday"
    return f"{local.day} {local:%b %H:%M}"
