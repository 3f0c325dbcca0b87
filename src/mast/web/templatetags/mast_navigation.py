"""{% navigation_counts as counts %}: requests waiting, overdue and alerts unread, for the navigation and the
home page (mast.web.presenters.navigation)."""

from django import template

from mast.web.presenters.navigation import NavigationCounts, navigation_counts

register = template.Library()


@register.simple_tag(takes_context=True, name="navigation_counts")
def navigation_counts_tag(context) -> NavigationCounts:
    return navigation_counts(context.get("request"))
