"""How the partner API knows its caller and whether it may: an API key, the policy, a rate per key.

Thin adapters between Django REST framework and MAST's own rules (api/keys.py, access.policy): every refusal
is audited with the key's id, never the key.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from mast.api.keys import KeyHolder, key_for_secret
from mast.gate.gate import OutsideAgreement, Viewer, refuse_unless_allowed

NOT_ACCEPTED = (
    "The API key is not accepted: it is wrong, expired or revoked. Ask your feed owner for a new one."
)


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer mast_<key id>_<secret>`."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != b"bearer" or len(header) != 2:
            raise AuthenticationFailed("Send the API key as 'Authorization: Bearer <key>'.")
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(NOT_ACCEPTED) from None
        key = key_for_secret(secret)
        if key is None:
            raise AuthenticationFailed(NOT_ACCEPTED)
        return KeyHolder(key), key

    def authenticate_header(self, request):
        return 'Bearer realm="MAST partner API"'


class AllowedByPolicy(BasePermission):
    """The view's `policy_action` must be allowed to the key's direction (access.policy RULES)."""

    message = "This API key may not do this: its direction is the other one (push or query)."

    def has_permission(self, request, view):
        holder = request.user
        if not isinstance(holder, KeyHolder):
            return False
        action = view.policy_actions.get(request.method)
        if action is None:
            return True  # a method the endpoint does not have: REST framework answers 405 (or OPTIONS)
        try:
            # The gate's own check: a refusal is audited as a person's is, with the key's id.
            refuse_unless_allowed(
                Viewer(holder, ip_address=request.META.get("REMOTE_ADDR")),
                action,
                target=f"source:{holder.key.source.code}",
                detail={"api_key": holder.key.key_id},
            )
        except OutsideAgreement as refused:
            self.message = refused.standing.why
            return False
        except PermissionDenied:
            return False
        return True


class PerKeyThrottle(SimpleRateThrottle):
    """Calls per key, at the rate its direction allows (MAST_API_PUSH_RATE, MAST_API_QUERY_RATE)."""

    def get_rate(self):
        return settings.MAST_API_RATES.get(self.scope)

    def allow_request(self, request, view):
        holder = request.user
        if not isinstance(holder, KeyHolder):
            return True  # refused before it costs anything
        self.scope = holder.key.direction
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return f"mast-api-rate-{request.user.key.key_id}"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI description names the key (drf-spectacular finds this by its target class)."""

    target_class = "mast.api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "mast_<key id>_<secret>"}
