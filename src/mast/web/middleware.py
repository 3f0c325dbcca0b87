"""Security headers that Django's SecurityMiddleware does not set itself, and asking for a stated purpose."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from mast.gate.gate import NotFound, NotNamed, OutsideAgreement, PurposeRequired, Throttled
from mast.request_memo import one_request

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class OneReadPerRequestMiddleware:
    """The agreement in force, the user's place in it and their oversight profile are read once for the
    whole request, however many checks ask (mast.request_memo; never kept from one request to the next)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with one_request():
            return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # Pages show personal data: never let a shared computer's cache keep them.
        if not request.path.startswith("/static/"):
            response.setdefault("Cache-Control", "no-store")
        return response


class PurposeRequiredMiddleware:
    """A practitioner who has not said which case they are working on, and why, is asked to first, then
    brought back to the page they wanted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PurposeRequired):
            return None
        # A POST's body (search terms, a referral) is never carried into a URL: it comes back to the form.
        back = request.get_full_path() if request.method == "GET" else request.path
        return redirect(f"{reverse('web:purpose')}?{urlencode({'next': back})}")


class ThrottledMiddleware:
    """A user over a rate limit gets a page that says so and when they may go on (429, with Retry-After)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Throttled):
            return None
        from django.shortcuts import render

        minutes = max(1, -(-exception.retry_after_seconds // 60))
        response = render(request, "429.html", {"said": str(exception), "minutes": minutes}, status=429)
        response["Retry-After"] = str(exception.retry_after_seconds)
        return response


class NotFoundMiddleware:
    """A person, address or request that does not exist (the gate's NotFound, raised by the read) is a 404,
    said here once rather than caught in every view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        return None


class FriendlyErrorsMiddleware:
    """A page asked for the wrong way (a form's address opened in the browser: GET /feeds/upload/) gets a
    page that says what happened and where to go, not Django's empty 405."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content:
            return response
        from django.shortcuts import render

        friendly = render(request, "405.html", status=405)
        friendly["Allow"] = response.get("Allow", "")
        return friendly


class OutsideAgreementMiddleware:
    """Searching or sending that the sharing agreement does not allow today gets a page that says why and whom
    to contact (403), not the bare "not allowed" of a role refusal."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OutsideAgreement):
            return None
        from django.shortcuts import render

        return render(request, "web/governance/outside.html", {"standing": exception.standing}, status=403)


class NotNamedMiddleware:
    """A practitioner who has not been named for break glass gets a page that says so, what to do instead and
    whom to ask to be named (403), not the bare "not allowed" of a role refusal."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, NotNamed):
            return None
        from django.shortcuts import render

        from mast.access.models import Role, User

        officers = User.objects.filter(
            agency_id=request.user.agency_id, role=Role.IG_OFFICER, is_active=True
        ).order_by("last_name", "first_name")
        match = request.resolver_match
        person = match.kwargs.get("public_id") if match else None
        back = reverse("web:person", args=[person]) if person else None
        context = {"officers": officers, "back": back}
        return render(request, "web/people/break_glass_refused.html", context, status=403)
