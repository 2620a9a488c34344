from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelaysConfig(AppConfig):
    name = "kalan.relays"
    label = "relays"
    verbose_name = _("Relais")

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from kalan.people.signals import person_page_sections
        from kalan.relays.receivers import objective_deleting, person_relay_section
        from kalan.workshops.models import Objective

        person_page_sections.connect(person_relay_section, dispatch_uid="relays-person")
        # A workshop objective that relays' commitments or restitutions name is not deleted.
        pre_delete.connect(objective_deleting, sender=Objective, dispatch_uid="relays-objective")
        self._merge_connect()

    def _merge_connect(self) -> None:
        """A merge of two persons moves the follow-up's rows (kalan.relays.merge)."""
        from kalan.core.audit_registry import audit_words_register
        from kalan.people.signals import persons_merge_preview, persons_merging, persons_unmerging
        from kalan.relays import merge

        persons_merge_preview.connect(
            merge.relays_merge_preview, dispatch_uid="relays-merge-preview"
        )
        persons_merging.connect(merge.relays_merge, dispatch_uid="relays-merge")
        persons_unmerging.connect(merge.relays_unmerge, dispatch_uid="relays-unmerge")
        audit_words_register(
            details={
                "restitutions_moved": _("restitutions déplacées"),
                "commitments_moved": _("engagements déplacés"),
                "followups_moved": _("suivis de relais déplacés"),
                "relay_codes_moved": _("codes personnels de relais déplacés"),
                "departures_moved": _("sorties du suivi déplacées"),
            }
        )
