from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kalan.core"
    label = "core"
    verbose_name = _("Noyau")

    def ready(self) -> None:
        # Imported here: the journal needs every app's models loaded before it hooks them.
        from kalan.core.audit import audit_connect

        audit_connect()
