from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict:
    return {
        "service_name": "MAST",
        "demo_mode": settings.DEMO,
        # For the timeout warning: the idle limit, and how long before it the warning shows.
        "session_limits": {
            "idle_seconds": round(settings.MAST_IDLE_MINUTES * 60),
            "warn_seconds": min(60, round(settings.MAST_IDLE_MINUTES * 30)),
        },
    }
