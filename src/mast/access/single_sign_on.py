"""Signing in with an agency's own identity provider (OpenID Connect: Microsoft Entra ID, or any other),
with Authlib as the relying party (discovery, state, nonce, PKCE, the ID token's signature, issuer,
audience and expiry).

Single sign-on replaces the MAST password, never the MAST account and never the second factor:
- nobody is created by it: the provider's email must be *verified* and belong to an active account an
  administrator made in this agency, at one of the agency's allowed domains;
- after it the user still passes MAST's own second factor (ADR 0023 says why MAST does not take the
  provider's word that it asked for one).
Every refusal is audited with its reason and told to the user in plain words (`SignOnRefused`).
"""

import logging
import os

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.http import HttpRequest, HttpResponse
from requests import RequestException

from mast.access import signals
from mast.access.models import SingleSignOn, User
from mast.wording import possessive

logger = logging.getLogger(__name__)
SCOPES = "openid email profile"
_TRUE = (True, "true", "True", 1, "1")


class SignOnRefused(Exception):
    """Why single sign-on did not sign someone in: the message is for them; `reason` for the audit log."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def available() -> list[SingleSignOn]:
    """The agencies whose people may sign in with their work account, for the sign-in page."""
    return list(
        SingleSignOn.objects.filter(enabled=True, agency__is_active=True)
        .select_related("agency")
        .order_by("agency__name")
    )


def for_agency(code: str) -> SingleSignOn | None:
    return next((s for s in available() if s.agency.code == code), None)


def _client(sso: SingleSignOn):
    secret = os.environ.get(sso.secret_variable, "")
    if not secret:
        # Said in the server's log for whoever runs it; the user is only told it is not working.
        logger.error(
            "Single sign-on for %s: %s is not set in the environment.", sso.agency.code, sso.secret_variable
        )
        raise SignOnRefused(_NOT_WORKING, "client secret not set")
    oauth = OAuth()
    return oauth.register(
        name=f"agency-{sso.agency.code}",
        client_id=sso.client_id,
        client_secret=secret,
        server_metadata_url=f"{sso.issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256", "timeout": 10},
    )


_NOT_WORKING = (
    "Signing in with your work account is not working at the moment. Sign in with your MAST password."
)


def start(request: HttpRequest, sso: SingleSignOn, redirect_uri: str) -> HttpResponse:
    """Send the browser to the agency's provider (state, nonce and PKCE verifier kept in the session)."""
    try:
        return _client(sso).authorize_redirect(request, redirect_uri)
    except (OAuthError, RequestException, ValueError) as error:
        logger.error("Single sign-on for %s: the provider could not be reached (%s).", sso.agency.code, error)
        raise SignOnRefused(_NOT_WORKING, "provider unreachable") from error


def finish(request: HttpRequest, sso: SingleSignOn) -> User:
    """The MAST account the provider's answer signs in; SignOnRefused (audited) if it signs in nobody."""
    try:
        return _account(request, sso)
    except SignOnRefused as refused:
        signals.single_sign_on_refused.send(User, agency=sso.agency, reason=refused.reason, request=request)
        raise


def _account(request: HttpRequest, sso: SingleSignOn) -> User:
    client = _client(sso)
    try:
        token = client.authorize_access_token(request)
    except (OAuthError, RequestException, ValueError, KeyError) as error:
        # A refused consent, a replayed or forged answer (state or nonce wrong), a bad signature.
        raise SignOnRefused(
            "Your work account did not sign you in. Try again, or sign in with your MAST password.",
            f"provider answer refused: {type(error).__name__}",
        ) from error
    claims = dict(token.get("userinfo") or {})
    if "email" not in claims:
        # Many providers put the email in the userinfo answer rather than the ID token.
        extra = dict(client.userinfo(token=token))
        if extra.get("sub") != claims.get("sub"):
            raise SignOnRefused(_NOT_WORKING, "userinfo for another subject")
        claims = {**extra, **claims}
    email = str(claims.get("email") or "").strip().lower()
    # Entra ID sends no email_verified; its xms_edov says the domain's owner verified the address.
    verified = claims.get("email_verified") in _TRUE or claims.get("xms_edov") in _TRUE
    if not email or not verified:
        raise SignOnRefused(
            "Your work account did not give MAST a verified email address, so MAST cannot tell which account "
            "is yours. Ask your MAST administrator.",
            "no verified email",
        )
    if email.rpartition("@")[2] not in sso.domains:
        raise SignOnRefused(
            f"{possessive(sso.agency.name)} sign-in is only for email addresses at "
            f"{', '.join(sso.domains)}. Ask your MAST administrator.",
            "email domain not allowed",
        )
    accounts = list(User.objects.filter(email__iexact=email, agency=sso.agency, is_active=True)[:2])
    if len(accounts) != 1:
        # None: MAST makes no accounts on the fly. Two: a shared address, which MAST cannot tell apart.
        raise SignOnRefused(
            "There is no MAST account for your work email address. MAST accounts are set up by your MAST "
            "administrator: ask them to add you.",
            "no account for this email" if not accounts else "more than one account has this email",
        )
    return accounts[0]
