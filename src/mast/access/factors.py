"""Second factors: an authenticator app's six-digit codes (TOTP) and single-use recovery codes.

Everyone who signs in to MAST needs one (docs/administration.md; ADR 0018 says why django-otp). A new
user sets up an authenticator app at their first sign-in and is shown ten recovery codes once; from then on
a password is followed by a code. An administrator can reset someone's factors (a lost phone), after which
they set one up again at their next sign-in.
"""

import base64
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote

import segno
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from mast.access import signals
from mast.access.models import RecoveryCodes, SecurityKey, User, hash_recovery_code

RECOVERY_CODE_COUNT = 10
# No 0/O or 1/I: a code is read off paper and typed in.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_TOTP_NAME = "Authenticator app"
_SIX_DIGITS = re.compile(r"^\d{6}$")


def has_second_factor(user: User) -> bool:
    return factor_count(user) > 0


def factor_count(user: User) -> int:
    """Authenticator apps and security keys (recovery codes are a way back in, not a factor of their own)."""
    apps = TOTPDevice.objects.filter(user=user, confirmed=True).count()
    return apps + SecurityKey.objects.filter(user=user, confirmed=True).count()


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    codes = RecoveryCodes.objects.filter(user=user).first()
    return codes.remaining if codes else 0


def pending_totp(user: User) -> TOTPDevice:
    """The authenticator app being set up: the same secret until it is confirmed, so reloading the page or
    a mistyped code does not make the user scan a new QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=_TOTP_NAME, confirmed=False)


@dataclass(frozen=True)
class Enrolment:
    """What the set-up page shows: the QR code and, for typing in by hand, the secret in groups of four."""

    qr_svg: str
    secret: str
    uri: str


def enrolment(device: TOTPDevice) -> Enrolment:
    uri = device.config_url
    secret = _base32(device.bin_key)
    qr = segno.make(uri, error="m")
    label = quote(f"QR code for MAST on {device.user.get_username()}")
    svg = qr.svg_inline(scale=5, dark="#0b0c0c", light="#ffffff", title=label, border=4)
    return Enrolment(
        qr_svg=svg, secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)), uri=uri
    )


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


def confirm_totp(user: User, code: str, *, request=None) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the pending authenticator app with a code from it; the new recovery codes on success."""
    device = pending_totp(user)
    if not _SIX_DIGITS.match(_digits(code)) or not device.verify_token(_digits(code)):
        signals.factor_failed.send(User, user=user, by=user, factor="totp", request=request, setup=True)
        return None
    with transaction.atomic():
        # One authenticator app at a time: setting up a new one replaces the old.
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
    signals.factor_added.send(User, user=user, by=user, factor="totp", request=request)
    return device, codes


def first_recovery_codes(user: User) -> list[str] | None:
    """Recovery codes for someone who has just set up their first factor (a security key), or None if
    they have codes already."""
    if RecoveryCodes.objects.filter(user=user).exists():
        return None
    return _new_recovery_codes(user)


def new_recovery_codes(user: User, *, request=None) -> list[str]:
    """A fresh set of recovery codes; the old ones stop working."""
    codes = _new_recovery_codes(user)
    signals.factor_added.send(User, user=user, by=user, factor="recovery_code", request=request)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    # 16 characters of a 32-letter alphabet: 80 random bits, in four groups of four.
    plain = [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCodes.objects.filter(user=user).delete()
    RecoveryCodes.objects.create(
        user=user, name="Recovery codes", confirmed=True, hashes=[hash_recovery_code(c) for c in plain]
    )
    return plain


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def verify(user: User, code: str, *, request=None):
    """The device that accepts `code` (a six-digit code from the app, or a recovery code), or None.

    A code is accepted once: the app's code is refused again within its 30 seconds, and a recovery code is
    struck off. Repeated wrong codes slow down (django-otp doubles the wait after each).
    """
    code = (code or "").strip()
    if _SIX_DIGITS.match(_digits(code)):
        device, factor, token = totp_device(user), "totp", _digits(code)
    else:
        device, factor, token = RecoveryCodes.objects.filter(user=user).first(), "recovery_code", code
    if device is not None and device.verify_token(token):
        signals.factor_used.send(User, user=user, by=user, factor=factor, request=request)
        return device
    signals.factor_failed.send(User, user=user, by=user, factor=factor, request=request, setup=False)
    return None


def throttled(user: User) -> bool:
    """Whether several wrong codes in a row mean the next one may be refused unread for a while (django-otp
    waits 1, 2, 4… seconds after each; the first few are a typo's worth and not worth a warning)."""
    device = totp_device(user)
    return device is not None and device.throttling_failure_count >= 3 and not device.verify_is_allowed()[0]


def reset(user: User, *, by: User, request=None) -> None:
    """Remove every second factor: at their next sign-in the user sets one up again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        SecurityKey.objects.filter(user=user).delete()
        RecoveryCodes.objects.filter(user=user).delete()
    signals.factors_reset.send(User, user=user, by=by, factor="all", request=request)
