from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "kalan.assessments"
    label = "assessments"
    verbose_name = _("Évaluations")

    def ready(self) -> None:
        from kalan.core.audit_registry import audit_words_register

        audit_words_register(lists={"results": _("résultats des tests")})
        # The wrong codes of the join page, one entry per address and five minutes (throttle).
        audit_words_register(
            details={
                "participant_codes_refused": _("codes participant refusés"),
                "test_codes_refused": _("codes de test refusés"),
                "period": _("période"),
                "network": _("réseau"),
            }
        )
        self._merge_connect()

    def _merge_connect(self) -> None:
        """A merge of two persons moves test copies (kalan.assessments.merge)."""
        from kalan.assessments import merge
        from kalan.core.audit_registry import audit_words_register
        from kalan.people.signals import persons_merge_preview, persons_merging, persons_unmerging

        persons_merge_preview.connect(
            merge.submissions_merge_preview, dispatch_uid="assessments-merge-preview"
        )
        persons_merging.connect(merge.submissions_merge, dispatch_uid="assessments-merge")
        persons_unmerging.connect(merge.submissions_unmerge, dispatch_uid="assessments-unmerge")
        audit_words_register(details={"submissions_moved": _("copies de test déplacées")})
