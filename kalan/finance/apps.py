from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "kalan.finance"
    label = "finance"
    verbose_name = _("Finances")

    def ready(self) -> None:
        from kalan.core.audit_registry import audit_words_register

        audit_words_register(
            lists={
                "payment_statement": _("état de paiement"),
                "payment_statement_preview": _("aperçu de l’état de paiement"),
            }
        )
        self._merge_connect()

    def _merge_connect(self) -> None:
        """A merge of two persons moves no statement; its preview names those it concerns
        (kalan.finance.merge)."""
        from kalan.finance import merge
        from kalan.people.signals import persons_merge_preview

        persons_merge_preview.connect(
            merge.statements_merge_preview, dispatch_uid="finance-merge-preview"
        )
