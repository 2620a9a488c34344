from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kalan.core"
    label = "core"
    verbose_name = _("Noyau")

    def ready(self) -> None:
        # Imported here: the journal needs every app's models loaded before it hooks them.
        from kalan.core.audit import audit_connect
        from kalan.core.audit_registry import audit_words_register
        from kalan.core.converters import converters_register
        from kalan.core.memory import gc_freeze_at_startup

        audit_connect()
        audit_words_register(lists={"audit": _("journal d’audit")})
        converters_register()
        # Last: what every app set up above lives as long as the process (why: kalan.core.memory).
        gc_freeze_at_startup()
