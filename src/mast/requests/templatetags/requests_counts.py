from django import template

from mast.requests.routing import Waiting, waiting_for

register = template.Library()


@register.simple_tag(takes_context=True)
def waiting_requests(context) -> Waiting:
    """For the navigation and the home page: the signed-in practitioner's open and overdue requests."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if getattr(user, "role", "") != "practitioner":
        return Waiting(0, 0)
    return waiting_for(user)
