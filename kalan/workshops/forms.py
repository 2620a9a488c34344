from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kalan.core.forms import DateField
from kalan.core.models import Partner, Place, User
from kalan.people.models import Corps, Person, Rank, Unit
from kalan.plans.models import Axis
from kalan.workshops.models import Enrollment, Session
from kalan.workshops.selectors import trainers_assignable


class WorkshopForm(forms.Form):
    axis = forms.ModelChoiceField(
        label=_("Axe stratégique"),
        queryset=Axis.objects.select_related("plan").order_by("-plan__start_year", "number"),
    )
    title = forms.CharField(label=_("Intitulé"), max_length=300)
    general_objective = forms.CharField(
        label=_("Objectif général"), widget=forms.Textarea(attrs={"rows": 3})
    )
    objectives = forms.CharField(
        label=_("Objectifs spécifiques"),
        help_text=_("Un objectif par ligne, dans l’ordre."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Indiquez au moins un objectif spécifique.")},
    )
    target_audience = forms.CharField(label=_("Public cible"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Contexte"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    # What English documents (the English press release) print; left empty, they quote the
    # French and the page that issues them says so.
    title_en = forms.CharField(
        label=_("Intitulé en anglais"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"lang": "en"}),
    )
    general_objective_en = forms.CharField(
        label=_("Objectif général en anglais"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}),
    )
    objectives_en = forms.CharField(
        label=_("Objectifs spécifiques en anglais"),
        help_text=_(
            "Facultatif. Une ligne par objectif, dans le même ordre qu’en français ; une ligne "
            "vide laisse un objectif sans traduction."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "lang": "en"}),
    )

    def clean_objectives(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["objectives"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(
                _("Indiquez au moins un objectif spécifique."), code="required"
            )
        return lines

    def clean_objectives_en(self) -> list[str]:
        # By position: an empty line is an objective without English; only the last ones go.
        lines = [line.strip() for line in self.cleaned_data["objectives_en"].splitlines()]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        french, english = data.get("objectives"), data.get("objectives_en")
        if french is not None and english and len(english) > len(french):
            self.add_error(
                "objectives_en",
                forms.ValidationError(
                    _(
                        "%(english)s lignes en anglais pour %(french)s objectifs spécifiques : "
                        "une ligne par objectif, dans le même ordre."
                    )
                    % {"english": len(english), "french": len(french)},
                    code="objectives_en_too_many",
                ),
            )
        return data


class FundingForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Bailleur"), queryset=Partner.objects.all())
    amount = forms.IntegerField(label=_("Montant (FCFA)"), min_value=0)


FundingFormSet = forms.formset_factory(FundingForm, extra=2, can_delete=True)


def _grouped_places() -> list[tuple[str, list[tuple[int, str]]]]:
    """Towns and cercles grouped under their region, for a select that reads like a map."""
    places = Place.objects.filter(
        kind__in=[Place.Kind.TOWN, Place.Kind.CERCLE, Place.Kind.DISTRICT]
    ).select_related("parent")
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for place in places:
        region = place.parent.name if place.kind != Place.Kind.DISTRICT and place.parent else ""
        groups[region].append((place.pk, place.name))
    return [(region, sorted(items, key=lambda i: i[1])) for region, items in sorted(groups.items())]


class TrainerChoiceField(forms.ModelMultipleChoiceField):
    """Trainers by name, with the username that tells two namesakes apart."""

    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class SessionForm(forms.ModelForm):
    # Whoever may edit a session assigns its trainers: programme officers and administrators
    # (``change_programme``, which session_create and session_edit require), who organise the
    # sessions. Trainers do not assign themselves; the account pages no longer do it either.
    trainers = TrainerChoiceField(
        label=_("Formateurs"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Les comptes de formateur qui animent la session : un formateur ne voit que les "
            "sessions où il est assigné."
        ),
        # Check boxes rather than a list to Ctrl-click: an institution has a handful of trainers.
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Session
        fields = [
            "place",
            "venue",
            "start_date",
            "end_date",
            "capacity",
            "half_days",
            "per_diem_rate",
            "transport_rate",
            "certificate_min_percent",
            "trainers",
        ]
        field_classes = {"start_date": DateField, "end_date": DateField}
        labels = {
            "per_diem_rate": _("Per diem par jour (FCFA)"),
            "transport_rate": _("Forfait transport (FCFA)"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place = self.fields["place"]
        assert isinstance(place, forms.ModelChoiceField)
        place.queryset = Place.objects.exclude(kind=Place.Kind.COUNTRY)
        place.choices = [("", "---------"), *_grouped_places()]
        self.fields["trainers"].queryset = trainers_assignable()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin précède la date de début."))
        return data


class EnrollExistingForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Personne"),
        queryset=Person.objects.all(),
        to_field_name="uid",
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Cette personne est introuvable.")},
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=Enrollment.Role.choices, initial=Enrollment.Role.PARTICIPANT
    )
    allow_over_capacity = forms.BooleanField(
        label=_("Inscrire au-delà de la capacité"), required=False
    )


def _ranks_by_corps() -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for rank in Rank.objects.select_related("corps"):
        groups[str(rank.corps)].append((rank.pk, rank.name))
    return list(groups.items())


def _units_by_corps() -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for unit in Unit.objects.select_related("corps", "place").order_by("corps__order", "name"):
        groups[str(unit.corps)].append((unit.pk, f"{unit.name} ({unit.place})"))
    return list(groups.items())


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "last_name",
            "first_names",
            "sex",
            "corps",
            "rank",
            "service_number",
            "unit",
            "phone",
            "email",
        ]
        widgets = {"sex": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        corps = self.fields["corps"]
        assert isinstance(corps, forms.ModelChoiceField)
        corps.queryset = Corps.objects.all()
        # Two radio buttons, not three: Django adds a dashed "no choice" to a required field
        # without a default, which reads as a third sex.
        self.fields["sex"].choices = Person.Sex.choices  # type: ignore[attr-defined]
        # Without JavaScript a select cannot follow the corps: group the choices by corps instead.
        self.fields["rank"].choices = [("", "---------"), *_ranks_by_corps()]  # type: ignore[attr-defined]
        self.fields["unit"].choices = [("", "---------"), *_units_by_corps()]  # type: ignore[attr-defined]


class EnrollNewForm(PersonForm):
    role = forms.ChoiceField(
        label=_("Rôle"), choices=Enrollment.Role.choices, initial=Enrollment.Role.PARTICIPANT
    )
    allow_over_capacity = forms.BooleanField(
        label=_("Inscrire au-delà de la capacité"), required=False
    )

    def person_fields(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in PersonForm.Meta.fields}
