"""Forms of the trainer's test pages: build a test from the bank, copy one, add the survey."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kalan.assessments.models import CurriculumObjective, Test
from kalan.assessments.selectors_tests import tests_to_copy
from kalan.assessments.services import SCORED_KINDS
from kalan.workshops.models import Session


class ObjectiveChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        count = getattr(obj, "question_count", None)
        if count is None:
            return str(obj)
        return ngettext(
            "%(objective)s (%(count)s question)", "%(objective)s (%(count)s questions)", count
        ) % {"objective": obj, "count": count}


class TestFromBankForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Test"),
        choices=[(Test.Kind.PRE, Test.Kind.PRE.label), (Test.Kind.POST, Test.Kind.POST.label)],
        initial=Test.Kind.PRE,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Intitulé"),
        max_length=200,
        required=False,
        help_text=_("Laissé vide : le type de test suivi du nom de l’atelier."),
    )
    objectives = ObjectiveChoiceField(
        label=_("Objectifs évalués"),
        queryset=CurriculumObjective.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un objectif.")},
    )
    per_objective = forms.IntegerField(
        label=_("Questions par objectif"),
        min_value=1,
        max_value=50,
        required=False,
        initial=4,
        help_text=_("Les premières questions actives de la banque ; vide : toutes."),
    )
    pass_mark = forms.IntegerField(
        label=_("Seuil de réussite (%)"), min_value=0, max_value=100, initial=70
    )
    scoring = forms.ChoiceField(
        label=_("Notation des choix multiples"),
        choices=Test.Scoring.choices,
        initial=Test.Scoring.PARTIAL,
        widget=forms.RadioSelect,
        help_text=_(
            "Crédit partiel : chaque bonne case cochée rapporte une part du point, chaque "
            "mauvaise en retire autant (jamais moins de 0)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        objectives = self.fields["objectives"]
        assert isinstance(objectives, ObjectiveChoiceField)
        objectives.queryset = CurriculumObjective.objects.annotate(
            question_count=Count(
                "modules__questions",
                filter=Q(
                    modules__questions__active=True,
                    modules__questions__kind__in=[str(kind) for kind in SCORED_KINDS],
                ),
            )
        ).order_by("order", "code")


class TestChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        count = getattr(obj, "question_count", 0)
        return ngettext(
            "%(place)s, %(date)s — %(title)s (%(count)s question)",
            "%(place)s, %(date)s — %(title)s (%(count)s questions)",
            count,
        ) % {
            "place": obj.session.place,
            "date": obj.session.start_date.strftime("%m/%Y"),
            "title": obj.title,
            "count": count,
        }


class TestCopyForm(forms.Form):
    source = TestChoiceField(
        label=_("Test à copier"),
        queryset=Test.objects.none(),
        empty_label=_("— choisir —"),
    )
    kind = forms.ChoiceField(
        label=_("Pour cette session, comme"),
        choices=[("", _("le même type de test")), *Test.Kind.choices],
        required=False,
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        assert isinstance(source, forms.ModelChoiceField)
        source.queryset = tests_to_copy(session=session)


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200, required=False)
