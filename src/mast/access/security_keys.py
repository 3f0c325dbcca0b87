"""Security keys and passkeys (WebAuthn) as a second factor, with py_webauthn doing the cryptography.

Two ceremonies, each a challenge MAST makes, the browser hands to the key, and MAST checks the key's answer:
- registering: `registration_options` → the browser's navigator.credentials.create → `register`;
- signing in: `authentication_options` → navigator.credentials.get → `verify`.

The challenge is kept in the session between the two halves and taken out when the answer comes back, so
each is good once. The relying party is the host the user sees (MAST's own name, checked against
ALLOWED_HOSTS by Django): a key registered for mast.example answers no other site, which is what makes a
security key proof against phishing in a way a typed code is not. ADR 0022 says why py_webauthn.
"""

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from mast.access import signals
from mast.access.models import SecurityKey, User

_CHALLENGE = "mast_webauthn_challenge"
_NAME_LENGTH = 64


class KeyRefused(Exception):
    """The browser's answer did not prove a key: what to tell the user is the message."""


@dataclass(frozen=True)
class RelyingParty:
    id: str
    origin: str

    @classmethod
    def of(cls, request: HttpRequest) -> "RelyingParty":
        # get_host() is checked against ALLOWED_HOSTS; behind nginx it is the name the user typed.
        host = request.get_host()
        return cls(id=urlsplit(f"//{host}").hostname or "", origin=f"{request.scheme}://{host}")


def keys_of(user: User):
    return SecurityKey.objects.filter(user=user, confirmed=True)


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(k.credential_id)) for k in keys_of(user)]


def registration_options(request: HttpRequest, user: User) -> dict:
    """The options for registering a new key, as the JSON the page hands to the browser."""
    party = RelyingParty.of(request)
    options = generate_registration_options(
        rp_id=party.id,
        rp_name="MAST",
        # An opaque handle, not the username: a passkey stores it, and it should say nothing about anyone.
        user_id=f"mast-user-{user.pk}".encode(),
        user_name=user.get_username(),
        user_display_name=user.get_full_name() or user.get_username(),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        # The same key twice would look like two factors and be one.
        exclude_credentials=_descriptors(user),
    )
    request.session[_CHALLENGE] = ["register", bytes_to_base64url(options.challenge)]
    return json.loads(options_to_json(options))


def authentication_options(request: HttpRequest, user: User) -> dict:
    """The options for signing in with one of `user`'s keys, as JSON for the browser."""
    options = generate_authentication_options(
        rp_id=RelyingParty.of(request).id,
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[_CHALLENGE] = ["sign-in", bytes_to_base64url(options.challenge)]
    return json.loads(options_to_json(options))


def _take_challenge(request: HttpRequest, ceremony: str) -> bytes:
    kept = request.session.pop(_CHALLENGE, None)
    if not kept or kept[0] != ceremony:
        raise KeyRefused("The page had expired. Try again.")
    return base64url_to_bytes(kept[1])


def _parsed(answer: str) -> dict:
    try:
        credential = json.loads(answer or "")
    except ValueError:
        credential = None
    if not isinstance(credential, dict) or not isinstance(credential.get("id"), str):
        raise KeyRefused("Your browser did not send an answer from a security key. Try again.")
    return credential


def register(request: HttpRequest, user: User, answer: str, name: str) -> SecurityKey:
    """Check the browser's answer to `registration_options` and keep the new key under `name`."""
    name = " ".join((name or "").split())[:_NAME_LENGTH] or "Security key"
    challenge = _take_challenge(request, "register")
    party = RelyingParty.of(request)
    try:
        checked = verify_registration_response(
            credential=_parsed(answer),
            expected_challenge=challenge,
            expected_rp_id=party.id,
            expected_origin=party.origin,
        )
    except InvalidRegistrationResponse as refused:
        signals.factor_failed.send(
            User, user=user, by=user, factor="security_key", request=request, setup=True
        )
        raise KeyRefused("That security key could not be added. Try again, or use another key.") from refused
    credential_id = bytes_to_base64url(checked.credential_id)
    if SecurityKey.objects.filter(credential_id=credential_id).exists():
        raise KeyRefused("That security key is already registered.")
    key = SecurityKey.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=credential_id,
        public_key=checked.credential_public_key,
        sign_count=checked.sign_count,
    )
    signals.factor_added.send(User, user=user, by=user, factor="security_key", request=request)
    return key


def verify(request: HttpRequest, user: User, answer: str) -> SecurityKey:
    """The key of `user`'s that signed the challenge from `authentication_options`; KeyRefused if none did."""
    challenge = _take_challenge(request, "sign-in")
    credential = _parsed(answer)
    key = keys_of(user).filter(credential_id=credential["id"]).first()
    refused = KeyRefused(
        "That security key is not one registered for your account. Try again, or use a code."
    )
    if key is None or not key.verify_is_allowed()[0]:
        signals.factor_failed.send(
            User, user=user, by=user, factor="security_key", request=request, setup=False
        )
        raise refused
    party = RelyingParty.of(request)
    try:
        checked = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=party.id,
            expected_origin=party.origin,
            credential_public_key=bytes(key.public_key),
            credential_current_sign_count=key.sign_count,
        )
    except InvalidAuthenticationResponse as error:
        # Includes a signature counter that went backwards: the sign of a cloned key.
        key.throttle_increment()
        signals.factor_failed.send(
            User, user=user, by=user, factor="security_key", request=request, setup=False
        )
        raise refused from error
    with transaction.atomic():
        key.sign_count = checked.new_sign_count
        key.last_used_at = timezone.now()
        key.throttling_failure_count = 0
        key.throttling_failure_timestamp = None
        key.save(
            update_fields=[
                "sign_count",
                "last_used_at",
                "throttling_failure_count",
                "throttling_failure_timestamp",
            ]
        )
    signals.factor_used.send(User, user=user, by=user, factor="security_key", request=request)
    return key


def remove(user: User, key_id: int, *, request=None) -> bool:
    """Remove one of the user's keys, unless it is their only second factor (they would be left with a
    password alone, and set one up again at the next sign-in: better to add the new one first)."""
    from mast.access import factors

    key = keys_of(user).filter(pk=key_id).first()
    if key is None or factors.factor_count(user) <= 1:
        return False
    key.delete()
    signals.factor_removed.send(User, user=user, by=user, factor="security_key", request=request)
    return True
