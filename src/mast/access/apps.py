from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "mast.access"
    label = "access"
