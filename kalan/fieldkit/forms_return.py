"""The form that uploads a laptop's return bundle (« Retours de terrain »)."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from kalan.fieldkit.bundle import MAGIC


class ReturnUploadForm(forms.Form):
    bundle = forms.FileField(
        label=_("Retour du portable de site"),
        help_text=_(
            "Le fichier .kret que le portable a écrit avec « kalan field bundle ». Rien n’est "
            "importé à cette étape : l’aperçu montre d’abord ce que le retour changerait."
        ),
    )

    def clean_bundle(self) -> UploadedFile:
        """A file that does not begin as a return bundle is refused before it is kept."""
        upload: UploadedFile = self.cleaned_data["bundle"]
        upload.seek(0)
        start = upload.read(len(MAGIC))
        upload.seek(0)
        if start != MAGIC:
            raise forms.ValidationError(
                _("« %(file)s » n’est pas un retour de kit de terrain Kalan (fichier .kret)."),
                code="not_a_bundle",
                params={"file": upload.name},
            )
        return upload
