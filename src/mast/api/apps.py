from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mast.api"
    label = "api"
    verbose_name = "Partner API"

    def ready(self) -> None:
        from mast.api.retention import purge_before
        from mast.feeds.retention import purged

        purged.connect(purge_before, dispatch_uid="mast.api.retention")
