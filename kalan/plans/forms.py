"""Forms of the plans' pages: a plan, an axis's titles and a partner's names, French and English."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

ENGLISH_HELP = _("Facultatif : les documents en anglais l’utilisent, sinon ils citent le français.")


class AxisForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    title_en = forms.CharField(
        label=_("Intitulé en anglais"),
        max_length=300,
        required=False,
        help_text=ENGLISH_HELP,
        widget=forms.TextInput(attrs={"lang": "en"}),
    )
    description_en = forms.CharField(
        label=_("Description en anglais"),
        required=False,
        help_text=ENGLISH_HELP,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
    )


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    start_year = forms.IntegerField(label=_("Année de début"), min_value=1990, max_value=2100)
    end_year = forms.IntegerField(label=_("Année de fin"), min_value=1990, max_value=2100)


class AxisCreateForm(AxisForm):
    number = forms.IntegerField(label=_("Numéro"), min_value=1, max_value=99)
    field_order = ["number", "title", "description", "title_en", "description_en"]


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    acronym = forms.CharField(label=_("Sigle"), max_length=40, required=False)
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")
    name_en = forms.CharField(
        label=_("Nom en anglais"),
        max_length=200,
        required=False,
        help_text=ENGLISH_HELP,
        widget=forms.TextInput(attrs={"lang": "en"}),
    )
    acronym_en = forms.CharField(
        label=_("Sigle en anglais"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"lang": "en"}),
        help_text=_("« UNDP » pour le PNUD ; les documents en anglais le préfèrent au nom."),
    )
