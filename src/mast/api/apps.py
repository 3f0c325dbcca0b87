from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mast.api"
    label = "api"
    verbose_name = "Partner API"
