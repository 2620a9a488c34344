from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "kalan.workshops"
    label = "workshops"
    verbose_name = _("Ateliers")

    def ready(self) -> None:
        from kalan.core.audit_registry import audit_words_register
        from kalan.core.signals import user_deactivated, user_role_changed
        from kalan.people.signals import person_page_sections
        from kalan.workshops.receivers import (
            person_training_section,
            trainer_deactivated,
            trainer_role_changed,
        )

        person_page_sections.connect(person_training_section, dispatch_uid="workshops-person")
        self._merge_connect()
        user_role_changed.connect(trainer_role_changed, dispatch_uid="workshops-trainer-role")
        user_deactivated.connect(trainer_deactivated, dispatch_uid="workshops-trainer-inactive")
        audit_words_register(
            lists={
                "roster": _("présences de la session"),
                "sign_in_sheets": _("feuilles de présence"),
                "sign_in_sheet": _("feuille de présence du jour"),
                "blank_sign_in_sheet": _("feuille de présence vierge"),
                "badges": _("badges"),
                "participants": _("liste des participants"),
                "attendance_summary": _("récapitulatif des présences"),
            },
            details={"session": _("session")},
        )

    def _merge_connect(self) -> None:
        """A merge of two persons moves enrollments and attendance (kalan.workshops.merge)."""
        from kalan.core.audit_registry import audit_words_register
        from kalan.people.signals import persons_merge_preview, persons_merging, persons_unmerging
        from kalan.workshops import merge

        persons_merge_preview.connect(
            merge.enrollments_merge_preview, dispatch_uid="workshops-merge-preview"
        )
        persons_merging.connect(merge.enrollments_merge, dispatch_uid="workshops-merge")
        persons_unmerging.connect(merge.enrollments_unmerge, dispatch_uid="workshops-unmerge")
        audit_words_register(details={"enrollments_superseded": _("inscriptions remplacées")})
