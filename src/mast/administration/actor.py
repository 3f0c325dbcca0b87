"""Who makes an administrative change, as the audit log records it."""

from dataclasses import dataclass

from mast.access.models import User
from mast.audit import chain


class RefusedChange(Exception):
    """A change MAST will not make, with the reason to show the administrator."""


@dataclass(frozen=True)
class Actor:
    user: User
    ip_address: str | None = None
    # The request, when there is one, so signals (second-factor changes) can read the address too.
    request: object = None

    @classmethod
    def of(cls, request) -> "Actor":
        return cls(user=request.user, ip_address=request.META.get("REMOTE_ADDR") or None, request=request)

    def record(self, action: str, target: str, **detail) -> None:
        """Write the change to the audit log in the caller's transaction: the two stand or fall together."""
        chain.append(
            user=self.user,
            action=action,
            target=target,
            detail=detail,
            purpose_code="administration",
            ip_address=self.ip_address,
        )
