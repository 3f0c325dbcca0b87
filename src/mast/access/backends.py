"""Who may sign in at all: Django's own check, plus the user's agency."""

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """A switched-off account, or any account of a switched-off agency, cannot sign in, and a session it
    already has is no longer signed in on its next request (Django asks `user_can_authenticate` for both)."""

    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        agency = getattr(user, "agency", None)
        return agency is None or agency.is_active
