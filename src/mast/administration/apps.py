from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "mast.administration"
    label = "administration"
    verbose_name = "Administration"

    def ready(self) -> None:
        from mast.administration import sign_in_log

        sign_in_log.connect()
