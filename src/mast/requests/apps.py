from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "mast.requests"
    label = "requests"
    verbose_name = "Requests"

    def ready(self) -> None:
        from mast.feeds.retention import purged
        from mast.requests.retention import purge_answered_before

        purged.connect(purge_answered_before, dispatch_uid="mast.requests.retention")
