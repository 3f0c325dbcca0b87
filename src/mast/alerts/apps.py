from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "mast.alerts"
    label = "alerts"
    verbose_name = "Alerts"
