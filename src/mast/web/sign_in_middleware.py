"""Who is really asking, for how long they stay signed in, and that a password alone opens nothing.

- ClientAddressMiddleware: behind nginx every request comes from the proxy; its X-Forwarded-For is believed
  only when the request came from one of MAST_TRUSTED_PROXIES, so nobody can forge the address the audit
  log and the lockout record by sending the header themselves.
- SessionLimitsMiddleware: a session ends MAST_ABSOLUTE_HOURS after signing in, however busy (the idle limit
  is the session cookie's age, renewed by each request).
- SecondFactorRequiredMiddleware: a user who has given only their password reaches the second-factor pages
  (entering a code, or setting an authenticator app up) and nothing else.
"""

import contextlib
import ipaddress
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone

from mast.access import factors, sessions

# Pages open to someone signed in with a password only: the second-factor steps and what any visitor sees.
SECOND_FACTOR_PAGES = frozenset(
    {
        "web:second-factor",
        "web:second-factor-setup",
        "web:security-key-sign-in",
        "web:security-key-add",
        "web:recovery-codes",
        "web:sign-out",
        "web:sign-in",
        "web:signed-out",
        "web:cookies",
        "web:accessibility",
        "web:set-password",
        "web:password-reset",
        "web:password-reset-sent",
        "web:health",
    }
)


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.proxies = [ipaddress.ip_network(p, strict=False) for p in settings.MAST_TRUSTED_PROXIES]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and self._from_proxy(request.META.get("REMOTE_ADDR", "")):
            # nginx appends the address it saw to whatever the client sent: only the last one is nginx's.
            client = forwarded.split(",")[-1].strip()
            with contextlib.suppress(ValueError):
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(client))
        return self.get_response(request)

    def _from_proxy(self, address: str) -> bool:
        if not address:
            # A Unix socket from nginx has no peer address.
            return bool(self.proxies)
        try:
            peer = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(peer in network for network in self.proxies)


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            began = sessions.signed_in_at(request.session)
            limit = timedelta(hours=settings.MAST_ABSOLUTE_HOURS)
            if began is None:
                sessions.remember(request, fresh_sign_in=True)
            elif timezone.now() - began > limit:
                auth.logout(request)
                return redirect(f"{reverse('web:signed-out')}?{urlencode({'reason': 'absolute'})}")
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or user.is_verified() or request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            name = ""
        if name in SECOND_FACTOR_PAGES:
            return self.get_response(request)
        step = "web:second-factor" if factors.has_second_factor(user) else "web:second-factor-setup"
        back = request.get_full_path() if request.method == "GET" else ""
        query = f"?{urlencode({'next': back})}" if back and back != "/" else ""
        return redirect(f"{reverse(step)}{query}")
