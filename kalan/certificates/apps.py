from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "kalan.certificates"
    label = "certificates"
    verbose_name = _("Attestations")

    def ready(self) -> None:
        from kalan.core.audit_registry import audit_words_register

        self._merge_connect()
        audit_words_register(
            lists={"certificates": _("attestations"), "certificate": _("attestation")}
        )

    def _merge_connect(self) -> None:
        """A merge of two persons moves certificates (kalan.certificates.merge)."""
        from kalan.certificates import merge
        from kalan.core.audit_registry import audit_words_register
        from kalan.people.signals import persons_merge_preview, persons_merging, persons_unmerging

        persons_merge_preview.connect(
            merge.certificates_merge_preview, dispatch_uid="certificates-merge-preview"
        )
        persons_merging.connect(merge.certificates_merge, dispatch_uid="certificates-merge")
        persons_unmerging.connect(merge.certificates_unmerge, dispatch_uid="certificates-unmerge")
        audit_words_register(details={"certificates_moved": _("attestations déplacées")})
