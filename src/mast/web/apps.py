from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "mast.web"
    label = "web"
