from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "mast.requests"
    label = "requests"
    verbose_name = "Requests"
