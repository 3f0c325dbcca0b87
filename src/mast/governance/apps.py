from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class GovernanceConfig(AppConfig):
    name = "mast.governance"
    label = "governance"

    def ready(self) -> None:
        from mast.governance.models import AgreementPartner, SharingAgreement
        from mast.request_memo import forget

        # A version approved or a participation ended while a request is open counts for the rest of it.
        for model in (SharingAgreement, AgreementPartner):
            for signal in (post_save, post_delete):
                signal.connect(forget, sender=model, dispatch_uid=f"mast-memo-{model.__name__}-{signal}")
