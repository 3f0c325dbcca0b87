"""Signing in: the password, then the second factor (or setting one up), the lockout page, the set-password
page an invitation or reset link opens, and the end of a session.

The logic is in mast.access (factors, sessions) and mast.administration (links); these views only move
between the steps. The session key changes at the password step (Django's login) and again at the second
factor, so a session fixed before sign-in is worth nothing after it.
"""

import django_otp
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from mast.access import factors, security_keys, sessions, single_sign_on
from mast.administration import accounts, links
from mast.web.forms.sign_in import SecondFactorForm, SignInForm
from mast.web.permissions import public, signed_in


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure())
    return wanted if wanted and safe else reverse("web:home")


def _with_next(name: str, request: HttpRequest) -> str:
    wanted = _next(request)
    return reverse(name) + (f"?{urlencode({'next': wanted})}" if wanted != reverse("web:home") else "")


class SignInView(LoginView):
    template_name = "web/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Agencies whose people may use their work account instead of a MAST password.
        return {**super().get_context_data(**kwargs), "single_sign_on": single_sign_on.available()}

    def form_valid(self, form):
        super().form_valid(form)
        sessions.remember(self.request, fresh_sign_in=True)
        step = (
            "web:second-factor" if factors.has_second_factor(form.get_user()) else "web:second-factor-setup"
        )
        return redirect(_with_next(step, self.request))


def _verified(request: HttpRequest, device) -> None:
    old_key = request.session.session_key
    django_otp.login(request, device)
    request.session.cycle_key()
    sessions.forget(old_key)
    sessions.remember(request, fresh_sign_in=False)


@signed_in
def second_factor(request: HttpRequest) -> HttpResponse:
    """Step two: a code from the authenticator app, or a recovery code."""
    user = request.user
    if not user.is_authenticated:
        return redirect("web:sign-in")
    if user.is_verified():
        return redirect(_next(request))
    if not factors.has_second_factor(user):
        return redirect(_with_next("web:second-factor-setup", request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = factors.verify(user, form.cleaned_data["code"], request=request)
        if device is not None:
            _verified(request, device)
            if device.persistent_id.startswith("access.recoverycodes"):
                left = factors.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code. You have {left} left: set up new ones on "
                    "your account page if you are running out.",
                )
            return redirect(_next(request))
        form.refuse(throttled=factors.throttled(user))
    context = {"form": form, "next": _next(request), "has_app": factors.totp_device(user) is not None}
    if security_keys.keys_of(user).exists():
        context["key_options"] = security_keys.authentication_options(request, user)
    return render(request, "web/sign_in_code.html", context)


@signed_in
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """A first sign-in, or one after an administrator reset the factors: set up an authenticator app."""
    user = request.user
    if not user.is_authenticated:
        return redirect("web:sign-in")
    if factors.has_second_factor(user) and not user.is_verified():
        # Someone who has an app proves it before changing it.
        return redirect(_with_next("web:second-factor", request))
    device = factors.pending_totp(user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = factors.confirm_totp(user, form.cleaned_data["code"], request=request)
        if confirmed is not None:
            totp, codes = confirmed
            _verified(request, totp)
            # Shown once, now, and never stored in the clear: not in the session, not in a redirect.
            return render(request, "web/recovery_codes.html", {"codes": codes, "next": _next(request)})
        form.refuse(throttled=False, setting_up=True)
    context = {"form": form, "enrolment": factors.enrolment(device), "next": _next(request)}
    return render(request, "web/sign_in_setup.html", context)


@signed_in
def account(request: HttpRequest) -> HttpResponse:
    """The user's own second factors: how many recovery codes are left, new codes, a new app."""
    if not request.user.is_authenticated:
        return redirect("web:sign-in")
    if request.method == "POST":
        codes = factors.new_recovery_codes(request.user, request=request)
        return render(request, "web/recovery_codes.html", {"codes": codes, "next": reverse("web:account")})
    context = {
        "recovery_codes_left": factors.recovery_codes_left(request.user),
        "device": factors.totp_device(request.user),
        "keys": security_keys.keys_of(request.user),
    }
    return render(request, "web/account.html", context)


def locked_out(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """django-axes' answer to a username and address with too many wrong passwords (AXES_LOCKOUT_CALLABLE)."""
    context = {"minutes": round(settings.AXES_COOLOFF_TIME * 60)}
    return render(request, "web/locked_out.html", context, status=429)


@public
def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Choose a password from an invitation or reset link. It never signs anyone in."""
    user = links.user_for(uidb64, token)
    if user is None:
        return render(request, "web/set_password_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    form.fields["new_password1"].label = "New password"
    form.fields["new_password2"].label = "Confirm new password"
    if request.method == "POST" and form.is_valid():
        form.save()
        accounts.password_chosen(user, request)
        if request.user.is_authenticated:
            auth.logout(request)
        messages.success(request, "Your password is set. Sign in with it, then with your authenticator app.")
        return redirect("web:sign-in")
    return render(request, "web/set_password.html", {"form": form, "for_user": user})


@public
def signed_out(request: HttpRequest) -> HttpResponse:
    reason = request.GET.get("reason", "")
    return render(
        request, "web/signed_out.html", {"reason": reason, "idle_minutes": settings.MAST_IDLE_MINUTES}
    )


@signed_in
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """'Stay signed in' on the timeout warning: a request is all it takes to restart the idle clock."""
    request.session.modified = True
    return HttpResponse(status=204)
