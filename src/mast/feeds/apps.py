from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "mast.feeds"
    label = "feeds"
