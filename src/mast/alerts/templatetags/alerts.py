"""{% unread_alerts_count %}: the number shown beside "Alerts" in the service navigation."""

from django import template

from mast.alerts.services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_alerts_count(context) -> int:
    request = context.get("request")
    return unread_count(getattr(request, "user", None))
