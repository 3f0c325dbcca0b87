"""{% load mast_wording %}: `{{ agency.name|possessive }}` says "Northshire Homes'" and "Northshire
Police's"."""

from django import template

from mast.wording import possessive as _possessive

register = template.Library()


@register.filter
def possessive(name) -> str:
    return _possessive(name)
