from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "mast.analytics"
    label = "analytics"
    verbose_name = "Analytics"
