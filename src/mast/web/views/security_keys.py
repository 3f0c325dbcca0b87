"""Security keys and passkeys: adding one (as a first factor at set-up, or beside an app from the account
page), signing in with one, and removing one. The ceremonies are in mast.access.security_keys; the page
hands its challenge to the browser with static/mast/security-key.js."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mast.access import factors, security_keys
from mast.web.permissions import signed_in
from mast.web.views.sign_in import _next, _verified, _with_next


@signed_in
def add(request: HttpRequest) -> HttpResponse:
    """Register a key. Someone who already has a factor proves it first, as for a new app."""
    user = request.user
    setting_up = not factors.has_second_factor(user)
    if not setting_up and not user.is_verified():
        return redirect(_with_next("web:second-factor", request))
    error = ""
    if request.method == "POST":
        try:
            key = security_keys.register(
                request, user, request.POST.get("credential", ""), request.POST.get("name", "")
            )
        except security_keys.KeyRefused as refused:
            error = str(refused)
        else:
            codes = None
            if setting_up:
                _verified(request, key)
                codes = factors.first_recovery_codes(user)
            if codes is not None:
                # Shown once, now: the same page an app's set-up ends on.
                return render(request, "web/recovery_codes.html", {"codes": codes, "next": _next(request)})
            messages.success(request, f"“{key.name}” is added. You can use it when you sign in.")
            return redirect("web:account")
    context = {
        "options": security_keys.registration_options(request, user),
        "error": error,
        "setting_up": setting_up,
        "next": _next(request),
    }
    return render(request, "web/security_key_add.html", context, status=400 if error else 200)


@signed_in
@require_POST
def sign_in(request: HttpRequest) -> HttpResponse:
    """The key's answer to the challenge on the code page."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    try:
        key = security_keys.verify(request, user, request.POST.get("credential", ""))
    except security_keys.KeyRefused as refused:
        messages.error(request, str(refused))
        return redirect(_with_next("web:second-factor", request))
    _verified(request, key)
    return redirect(_next(request))


@signed_in
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    if security_keys.remove(request.user, pk, request=request):
        messages.success(request, "The security key is removed. It no longer signs you in to MAST.")
    else:
        messages.error(
            request,
            "That is your only second factor. Add another security key or an authenticator app first.",
        )
    return redirect("web:account")
