from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "mast.ingest"
    label = "ingest"
