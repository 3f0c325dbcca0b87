from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    name = "mast.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from mast.audit import maintenance

        connection_created.connect(maintenance.register, dispatch_uid="mast-audit-maintenance")
