from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kalan.reports"
    label = "reports"
    verbose_name = _("Rapports")

    def ready(self) -> None:
        from kalan.core.audit_registry import audit_words_register

        audit_words_register(
            lists={"press_release": _("communiqué de presse"), "photo": _("photo")}
        )
