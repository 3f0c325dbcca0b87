"""The general pages: home, sign-in, cookies, the accessibility statement and the transparency page."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mast.access.services import capabilities
from mast.oversight.transparency import transparency as transparency_page
from mast.web.permissions import public, signed_in


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"capabilities": capabilities(request.user)})


@public
def cookies(request: HttpRequest) -> HttpResponse:
    # Read from settings so the page cannot drift from what the service actually sets.
    context = {
        "session_cookie_name": settings.SESSION_COOKIE_NAME,
        "idle_minutes": settings.MAST_IDLE_MINUTES,
        "absolute_hours": settings.MAST_ABSOLUTE_HOURS,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "csrf_cookie_days": settings.CSRF_COOKIE_AGE // 86400,
    }
    return render(request, "web/cookies.html", context)


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


@public
@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    return render(request, "web/transparency.html", {"page": transparency_page()})
