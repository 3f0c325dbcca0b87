from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "mast.governance"
    label = "governance"
