"""API keys: made for one source and one direction, shown once, kept only as a hash, rotated, revoked.

A key reads `mast_<key_id>_<secret>`. The key id is public (it names the key in audit events, logs and the
feed owner's list); the secret is 32 random bytes, so a plain SHA-256 of it is as hard to reverse as the
secret is to guess — a slow password hash would add nothing but latency to every call (ADR 0014).
Revocation and expiry are checked on every call, against the database, so they take effect at once.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mast.access.models import Role
from mast.api.models import ApiKey
from mast.audit import chain
from mast.feeds.models import Source

PREFIX = "mast_"
# Two live keys per source and direction: the old one and its replacement, while the partner deploys it.
MAX_LIVE = 2
DEFAULT_DAYS = 365
MAX_DAYS = 2 * 365


@dataclass(frozen=True)
class NewKey:
    """A key just made. `secret` is the whole key as the partner uses it; it is never shown again."""

    key: ApiKey
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def manageable_sources(user) -> QuerySet[Source]:
    """Administrators manage every source's keys; a feed owner only their own sources'."""
    if not getattr(user, "is_authenticated", False):
        return Source.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Source.objects.filter(is_active=True).select_related("agency").order_by("name")
    if user.role == Role.FEED_OWNER:
        return user.owned_sources.filter(is_active=True).select_related("agency").order_by("name")
    return Source.objects.none()


def keys_for(user) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(source__in=manageable_sources(user)).select_related(
        "source", "created_by", "revoked_by"
    )


def live(queryset: QuerySet[ApiKey], now=None) -> QuerySet[ApiKey]:
    now = now or timezone.now()
    return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)


@transaction.atomic
def create_key(user, source: Source, direction: str, name: str, days: int = DEFAULT_DAYS) -> NewKey:
    """Make a key; refused when the source already has two live keys that way (revoke one first)."""
    if not manageable_sources(user).filter(pk=source.pk).exists():
        raise PermissionDenied("You can make keys only for the feeds you manage.")
    if direction not in ApiKey.Direction.values:
        raise ValidationError("Choose whether the key pushes records or asks whether a person is known.")
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"A key lasts between 1 and {MAX_DAYS} days.")
    # Locks the source's row, so two people making a key at once cannot both pass the count.
    Source.objects.select_for_update().get(pk=source.pk)
    if live(ApiKey.objects.filter(source=source, direction=direction)).count() >= MAX_LIVE:
        raise ValidationError(
            f"{source.name} already has {MAX_LIVE} live keys to "
            f"{ApiKey.Direction(direction).label.lower()}. Revoke the one it no longer uses first."
        )
    key_id = secrets.token_hex(6)
    secret = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        key_id=key_id,
        secret_hash=_hash(secret),
        source=source,
        direction=direction,
        name=name.strip()[:100],
        created_by=user,
        expires_at=timezone.now() + timedelta(days=days),
    )
    chain.append(
        user=user,
        action="create_api_key",
        target=f"api_key:{key.key_id}",
        detail={"source": source.code, "direction": direction, "expires": key.expires_at.date().isoformat()},
        purpose_code="partner_api",
    )
    return NewKey(key, secret)


@transaction.atomic
def revoke_key(user, key: ApiKey) -> None:
    if not manageable_sources(user).filter(pk=key.source_id).exists():
        raise PermissionDenied("You can revoke keys only for the feeds you manage.")
    if key.revoked_at is not None:
        return
    key.revoked_at, key.revoked_by = timezone.now(), user
    key.save(update_fields=["revoked_at", "revoked_by"])
    chain.append(
        user=user,
        action="revoke_api_key",
        target=f"api_key:{key.key_id}",
        detail={"source": key.source.code, "direction": key.direction},
        purpose_code="partner_api",
    )


def key_for_secret(secret: str) -> ApiKey | None:
    """The live key this secret belongs to, or None (unknown, wrong, revoked or expired: the caller is told
    only that the key is not accepted)."""
    if not secret.startswith(PREFIX):
        return None
    key_id, _, rest = secret[len(PREFIX) :].partition("_")
    if not key_id or not rest:
        return None
    key = (
        ApiKey.objects.select_related("source", "source__agency")
        .filter(key_id=key_id, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(secret)):
        return None
    if not key.source.is_active or not key.source.agency.is_active:
        return None
    # At most once a minute: a busy key need not write its row on every call.
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


@dataclass(frozen=True)
class KeyHolder:
    """The partner system holding a key, as the access policy and the audit log see a caller: its agency,
    a role that is the key's direction, and a name that is the key's id (never the key)."""

    key: ApiKey

    is_authenticated = True
    is_active = True
    pk = None

    @property
    def agency(self):
        return self.key.source.agency

    @property
    def agency_id(self) -> int:
        return self.key.source.agency_id

    @property
    def role(self) -> str:
        return f"api_{self.key.direction}"

    @property
    def username(self) -> str:
        return f"api-key:{self.key.key_id}"
