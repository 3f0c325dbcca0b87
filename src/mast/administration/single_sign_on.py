"""An agency's single sign-on settings, set by an administrator and audited. The client secret never passes
through here: the settings name the environment variable that holds it (docs/deployment.md), and the
page can say whether this server has it set without ever showing it."""

import os

from django.db import transaction

from mast.access.models import Agency, SingleSignOn
from mast.administration.actor import Actor

FIELDS = ("issuer", "client_id", "secret_variable", "email_domains", "enabled")


def of(agency: Agency) -> SingleSignOn | None:
    return SingleSignOn.objects.filter(agency=agency).first()


def secret_is_set(sso: SingleSignOn | None) -> bool:
    return sso is not None and bool(os.environ.get(sso.secret_variable))


@transaction.atomic
def save(actor: Actor, agency: Agency, details: dict) -> SingleSignOn:
    sso = of(agency)
    creating = sso is None
    sso = sso or SingleSignOn(agency=agency)
    changes = {}
    for field in FIELDS:
        if details[field] != getattr(sso, field, None):
            changes[field] = {"from": None if creating else getattr(sso, field), "to": details[field]}
            setattr(sso, field, details[field])
    if changes:
        sso.save()
        actor.record(
            "single_sign_on_set_up" if creating else "single_sign_on_changed",
            f"agency:{agency.code}",
            changes=changes,
        )
    return sso
