"""Sign-ins, sign-outs, failures, lockouts and second-factor changes, written to the audit log.

Each event records who (or, for a failure, the username typed), their agency and role, the address and the
time; the factor used or changed. Never a password, a code or a secret: Django hands the failure signal its
credentials with the password already masked, and we take only the username from them.
"""

from types import SimpleNamespace

from axes.signals import user_locked_out
from django.contrib.auth import signals as auth_signals

from mast.access import signals as access_signals
from mast.access.models import User
from mast.audit import chain
from mast.audit.models import AuditEvent

DENIED = AuditEvent.Outcome.DENIED


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def _who(username: str):
    """The account a typed username names, or a stand-in carrying only the text typed (never stored as a
    link to anyone, so a typo cannot be read as someone's failed sign-in)."""
    typed = (username or "")[:150]
    user = User.objects.filter(username=typed).select_related("agency").first()
    return user or SimpleNamespace(username=typed, pk=None, agency=None, role="")


def signed_in(sender, request, user, **kwargs) -> None:
    # The first step was a MAST password, or the agency's own identity provider (access/single_sign_on.py).
    action = (
        "sign_in_single_sign_on" if getattr(request, "mast_single_sign_on", False) else "sign_in_password"
    )
    chain.append(user=user, action=action, target=f"user:{user.username}", ip_address=_ip(request))


def single_sign_on_refused(sender, agency, reason, request=None, **kwargs) -> None:
    """Nobody is named: the provider's answer did not lead to an account (or was not believed)."""
    who = SimpleNamespace(username="", pk=None, agency=agency, role="")
    chain.append(
        user=who,
        action="sign_in_failed",
        outcome=DENIED,
        target=f"agency:{agency.code}",
        detail={"reason": f"single sign-on: {reason}"},
        ip_address=_ip(request),
    )


def signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        chain.append(user=user, action="sign_out", target=f"user:{user.username}", ip_address=_ip(request))


def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    who = _who(credentials.get("username", ""))
    locked = bool(getattr(request, "axes_locked_out", False))
    chain.append(
        user=who,
        action="sign_in_failed",
        outcome=DENIED,
        target=f"user:{who.username}",
        detail={
            "reason": "locked out" if locked else "wrong username or password",
            "known_user": bool(who.pk),
        },
        ip_address=_ip(request),
    )


def locked_out(sender, request, username, ip_address, **kwargs) -> None:
    who = _who(username)
    chain.append(
        user=who, action="locked_out", outcome=DENIED, target=f"user:{who.username}", ip_address=ip_address
    )


def _factor_event(action: str, outcome: str = AuditEvent.Outcome.ALLOWED):
    def receiver(sender, user, by, factor, request=None, **kwargs) -> None:
        detail = {"factor": factor}
        if by is not None and by.pk != user.pk:
            detail["by"] = by.username
        if kwargs.get("setup"):
            detail["during"] = "set-up"
        chain.append(
            user=by if by is not None else user,
            action=action,
            outcome=outcome,
            target=f"user:{user.username}",
            detail=detail,
            ip_address=_ip(request),
        )

    return receiver


factor_added = _factor_event("second_factor_added")
factor_used = _factor_event("sign_in_second_factor")
factor_failed = _factor_event("second_factor_failed", DENIED)
factors_reset = _factor_event("second_factors_reset")
factor_removed = _factor_event("second_factor_removed")


def connect() -> None:
    auth_signals.user_logged_in.connect(signed_in, dispatch_uid="mast-audit-sign-in")
    auth_signals.user_logged_out.connect(signed_out, dispatch_uid="mast-audit-sign-out")
    auth_signals.user_login_failed.connect(sign_in_failed, dispatch_uid="mast-audit-sign-in-failed")
    user_locked_out.connect(locked_out, dispatch_uid="mast-audit-locked-out")
    access_signals.factor_added.connect(factor_added, dispatch_uid="mast-audit-factor-added")
    access_signals.factor_used.connect(factor_used, dispatch_uid="mast-audit-factor-used")
    access_signals.factor_failed.connect(factor_failed, dispatch_uid="mast-audit-factor-failed")
    access_signals.factors_reset.connect(factors_reset, dispatch_uid="mast-audit-factors-reset")
    access_signals.factor_removed.connect(factor_removed, dispatch_uid="mast-audit-factor-removed")
    access_signals.single_sign_on_refused.connect(
        single_sign_on_refused, dispatch_uid="mast-audit-sso-refused"
    )
