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
        self._field_kit_register()

    def _field_kit_register(self) -> None:
        """A field kit carries the sessions' photos and press release drafts to the venue."""
        from kalan.fieldkit.kit import kit_models_register
        from kalan.reports.models import Photo, PressRelease

        kit_models_register(Photo, lambda s: Photo.objects.filter(session__in=s))
        kit_models_register(PressRelease, lambda s: PressRelease.objects.filter(session__in=s))
