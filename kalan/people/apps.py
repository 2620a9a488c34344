from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kalan.people"
    label = "people"
    verbose_name = _("Personnes")

    def ready(self) -> None:
        from kalan.core.audit_registry import audit_words_register

        audit_words_register(
            lists={"persons": _("registre des personnes")},
            details={
                "kept": _("personne gardée"),
                "merged": _("personne fusionnée"),
                "score": _("ressemblance"),
                "enrollments_moved": _("inscriptions déplacées"),
            },
        )
