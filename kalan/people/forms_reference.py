"""Forms of the reference pages: corps, ranks, units, places, and the choice of what to keep in
a merge. They read what was typed; the services (``services_reference``) check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kalan.core.models import Place
from kalan.people import selectors_reference as selectors
from kalan.people.models import Corps, Rank, ReferenceAlias, Unit


class CorpsForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=120)
    short_name = forms.CharField(
        label=_("Nom court"),
        max_length=30,
        required=False,
        help_text=_("Montré dans les listes : « Police », « Douanes »…"),
    )
    name_en = forms.CharField(
        label=_("Nom en anglais"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"lang": "en"}),
    )
    order = forms.IntegerField(
        label=_("Ordre d’affichage"),
        min_value=0,
        max_value=32767,
        initial=0,
        help_text=_("Les corps sont listés du plus petit au plus grand nombre."),
    )
    number_prefixes = forms.CharField(
        label=_("Préfixes de matricule"),
        max_length=60,
        required=False,
        help_text=_("Débuts de matricule propres à ce corps, séparés par des virgules."),
    )


class RankForm(forms.Form):
    order = forms.IntegerField(
        label=_("Rang"),
        min_value=1,
        max_value=32767,
        help_text=_("1 pour le grade le moins élevé, puis en montant."),
    )
    name = forms.CharField(label=_("Grade"), max_length=80)
    abbreviation = forms.CharField(label=_("Abréviation"), max_length=20, required=False)
    feminine = forms.CharField(label=_("Forme féminine"), max_length=80, required=False)
    variants = forms.CharField(
        label=_("Autres écritures"),
        max_length=250,
        required=False,
        help_text=_("Abréviations et écritures usuelles, séparées par « ; »."),
    )
    group = forms.ChoiceField(label=_("Catégorie"), choices=Rank.Group.choices)


class GroupedModelChoiceField(forms.ModelChoiceField):
    """A select whose options are grouped (places under their region, units under their
    corps), built in one query instead of one label per row."""

    def __init__(self, *, groups: list[tuple[str, list[tuple[int, str]]]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        empty = [("", "---------")] if not self.required else [("", "")]
        self.choices = [*empty, *groups]


def _place_field(**kwargs: Any) -> GroupedModelChoiceField:
    return GroupedModelChoiceField(
        queryset=Place.objects.all(), groups=selectors.place_choices(), **kwargs
    )


class UnitForm(forms.Form):
    corps = forms.ModelChoiceField(label=_("Corps"), queryset=Corps.objects.all())
    name = forms.CharField(label=_("Nom"), max_length=160)
    kind = forms.ChoiceField(label=_("Type"), choices=Unit.Kind.choices, initial=Unit.Kind.OTHER)

    def __init__(self, *args: Any, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"] = _place_field(
            label=_("Lieu"), help_text=_("La ville ou la commune où l’unité est installée.")
        )
        self.fields["parent"] = GroupedModelChoiceField(
            label=_("Unité supérieure"),
            queryset=Unit.objects.all(),
            groups=selectors.unit_choices(exclude=unit),
            required=False,
            help_text=_("Facultatif ; du même corps (une brigade dans sa compagnie…)."),
        )


class PlaceForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=120)
    kind = forms.ChoiceField(label=_("Type"), choices=Place.Kind.choices, initial=Place.Kind.TOWN)
    code = forms.CharField(
        label=_("Code officiel"),
        max_length=12,
        required=False,
        help_text=_("Le code de la source officielle, quand elle en donne un."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = _place_field(
            label=_("Dans"),
            required=False,
            help_text=_(
                "Le lieu qui le contient : la région d’un cercle, le cercle d’une commune."
            ),
        )


class MergeChoiceForm(forms.Form):
    """Which unit or rank to keep, among those of the same corps."""

    kept = forms.ModelChoiceField(label=_("Garder"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, queryset: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kept"]
        field.queryset = queryset  # type: ignore[attr-defined]
        field.label = label


class AliasFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous")), *ReferenceAlias.Kind.choices]
    )
    corps = forms.ModelChoiceField(
        label=_("Corps"), required=False, queryset=Corps.objects.all(), empty_label=_("Tous")
    )


class UnitFilterForm(forms.Form):
    corps = forms.ModelChoiceField(
        label=_("Corps"), required=False, queryset=Corps.objects.all(), empty_label=_("Tous")
    )
    q = forms.CharField(label=_("Rechercher"), required=False)
