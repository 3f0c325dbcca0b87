"""Who may open each page, said once on the view: `@requires(Action.X)` (the gate's RULES decide), or
`@signed_in` and `@public` for the few pages that need no role.

Every view in web/urls.py carries one of them; the permission-matrix test reads them from the URL
patterns, so a page without one fails it, and what each role gets is what RULES says.
"""

import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_required

from mast.gate.gate import refuse_unless_allowed
from mast.gate.policy import Action
from mast.web.viewer import viewer_of

# What a view says about who may open it, read by the permission-matrix test.
RULE_ATTRIBUTE = "mast_requires"
PUBLIC = "public"  # anyone, signed in or not: sign-in, cookies, the accessibility statement
SIGNED_IN = "signed in"  # anyone signed in, whatever their role: the home page, the sharing agreement


def _target(request) -> str:
    """What was asked for, for the refusal's audit event: the page and its arguments ("person:<id>")."""
    match = request.resolver_match
    if match is None:
        return request.path
    return ":".join([match.url_name or request.path, *(str(value) for value in match.kwargs.values())])


def requires(action: Action) -> Callable:
    """Sign-in first, then the policy's check for `action`; a refusal is audited (gate) and answered 403."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            refuse_unless_allowed(viewer_of(request), action, target=_target(request))
            return view(request, *args, **kwargs)

        guarded = login_required(checked)
        setattr(guarded, RULE_ATTRIBUTE, action)
        return guarded

    return decorate


def signed_in(view: Callable) -> Callable:
    guarded = login_required(view)
    setattr(guarded, RULE_ATTRIBUTE, SIGNED_IN)
    return guarded


def public(view: Callable) -> Callable:
    setattr(view, RULE_ATTRIBUTE, PUBLIC)
    return view
