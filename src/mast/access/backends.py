"""Who may sign in at all: Django's own check, plus the user's agency."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """A switched-off account, or any account of a switched-off agency, cannot sign in, and a session it
    already has is no longer signed in on its next request (Django asks `user_can_authenticate` for both)."""

    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        agency = getattr(user, "agency", None)
        return agency is None or agency.is_active

    def get_user(self, user_id):
        """The session's user with their agency in the same query: every request asks whether the agency is
        still switched on (above), and the audit log and the pages name it."""
        try:
            user = get_user_model()._default_manager.select_related("agency").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
