"""The small forms of the import preview that create, in place, what a list names and the
registry lacks: a corps, a rank of the question's corps, a unit of it. They reuse the reference
pages' forms (``kalan.people.forms_reference``) without the fields a first entry can do without;
the reference pages edit the rest later."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalan.core.models import Place
from kalan.people.forms_reference import CorpsForm, RankForm
from kalan.people.models import Unit
from kalan.workshops.importing.references import TOWN_KINDS


def place_labels() -> dict[str, int]:
    """Each place a unit may stand in, by a label that tells two namesakes apart (« Mopti
    (cercle, Mopti) », « Mopti (ville, Mopti) »): the values of the page's one list of
    places, read back to the place. One query."""
    places = Place.objects.filter(kind__in=TOWN_KINDS).select_related("parent")
    labels: dict[str, int] = {}
    for place in places.order_by("name", "kind"):
        within = place.parent.name if place.parent else ""
        label = f"{place.name} ({place.get_kind_display()}, {within})" if within else place.name
        labels[label] = place.pk
    return labels


class CorpsQuickForm(CorpsForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("order", "number_prefixes", "name_en"):
            del self.fields[name]


class RankQuickForm(RankForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["order"]  # after the corps' most senior rank; the ranks page reorders


class UnitQuickForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=160)
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=Unit.Kind.choices, initial=Unit.Kind.OTHER
    )
    place = forms.CharField(
        label=gettext_lazy("Lieu"),
        max_length=200,
        help_text=gettext_lazy("Commencez à écrire : la ville ou la commune de l’unité."),
    )

    def __init__(self, *args: Any, places: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places = places

    def clean_place(self) -> int:
        label = self.cleaned_data["place"].strip()
        if label not in self.places:
            raise forms.ValidationError(
                _("Lieu inconnu « %(place)s » : choisissez-le dans la liste proposée.")
                % {"place": label}
            )
        return self.places[label]
