"""How the requests pages say things: a time to reply as people say it."""

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def duration(span: timedelta | None) -> str:
    """A time to reply as people say it: "45 minutes", "5 hours", "2 days 3 hours"; "" for none."""
    if span is None:
        return ""
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days, hours = divmod(hours, 24)
    return f"{days} days" + (f" {hours} hour{'s' if hours != 1 else ''}" if hours else "")
