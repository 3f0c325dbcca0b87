"""Signing in with an agency's own identity provider: off to the provider, and back. What is checked on the
way back is in mast.access.single_sign_on; after it the user goes on to MAST's second factor like anyone
who typed a password."""

from django.contrib import auth
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from mast.access import factors, sessions, single_sign_on
from mast.web.permissions import public
from mast.web.views.sign_in import _next

_NEXT = "mast_single_sign_on_next"


def _sso(code: str):
    sso = single_sign_on.for_agency(code)
    if sso is None:
        raise Http404("No single sign-on for this agency")
    return sso


def _refused(request: HttpRequest, refused: single_sign_on.SignOnRefused, status: int) -> HttpResponse:
    return render(request, "web/single_sign_on_refused.html", {"message": str(refused)}, status=status)


@public
def start(request: HttpRequest, code: str) -> HttpResponse:
    sso = _sso(code)
    if request.user.is_authenticated:
        return redirect(_next(request))
    request.session[_NEXT] = _next(request)
    back = request.build_absolute_uri(reverse("web:single-sign-on-back", args=[code]))
    try:
        return single_sign_on.start(request, sso, back)
    except single_sign_on.SignOnRefused as refused:
        return _refused(request, refused, 503)


@public
def back(request: HttpRequest, code: str) -> HttpResponse:
    sso = _sso(code)
    if request.user.is_authenticated:
        # Signed in already (the back button, a second tab): nothing to finish.
        return redirect("web:home")
    try:
        user = single_sign_on.finish(request, sso)
    except single_sign_on.SignOnRefused as refused:
        return _refused(request, refused, 403)
    wanted = request.session.pop(_NEXT, "")
    # Read by the audit log's sign-in receiver: this sign-in's first step was the work account.
    request.mast_single_sign_on = True
    auth.login(request, user, backend="mast.access.backends.AccountBackend")
    sessions.remember(request, fresh_sign_in=True)
    step = reverse("web:second-factor" if factors.has_second_factor(user) else "web:second-factor-setup")
    # `wanted` was checked as a safe place to go on when the sign-in started.
    onward = f"?{urlencode({'next': wanted})}" if wanted and wanted != reverse("web:home") else ""
    return redirect(f"{step}{onward}")
