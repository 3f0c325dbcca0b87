from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "mast.identity"
    label = "identity"
