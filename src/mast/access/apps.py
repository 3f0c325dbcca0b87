from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "mast.access"
    label = "access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from mast.access import sessions

        user_logged_out.connect(sessions.forget_signed_out, dispatch_uid="mast-forget-signed-out-session")
