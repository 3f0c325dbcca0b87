from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "mast.oversight"
    label = "oversight"
    verbose_name = "Oversight of use"

    def ready(self) -> None:
        from mast.audit.chain import event_appended
        from mast.audit.models import AuditEvent
        from mast.feeds.retention import purged
        from mast.gate.gate import Viewer, reading
        from mast.oversight import retention, throttle, watch

        event_appended.connect(watch.on_event, sender=AuditEvent, dispatch_uid="mast-oversight-watch")
        reading.connect(throttle.on_reading, sender=Viewer, dispatch_uid="mast-oversight-throttle")
        purged.connect(retention.purge_before, dispatch_uid="mast.oversight.retention")
