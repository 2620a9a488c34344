"""The question form of the bank pages: the question, then up to eight answers to tick."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kalan.assessments.bank import MAX_CHOICES, SCORED_KINDS, ChoiceData, question_problems
from kalan.assessments.models import Module, QuestionKind

TEXTAREA = {"rows": 3}


def _modules_by_objective() -> list[tuple[str, list[tuple[int, str]]]]:
    """Modules grouped under their objective, so that the select reads like the curriculum."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for module in Module.objects.select_related("objective").order_by(
        "objective__order", "objective__code", "order", "code"
    ):
        groups[f"{module.objective.code} — {module.objective.text}"].append(
            (module.pk, f"{module.code} — {module.title}")
        )
    return list(groups.items())


class QuestionForm(forms.Form):
    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.all())
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[(kind.value, kind.label) for kind in SCORED_KINDS],
        initial=QuestionKind.SINGLE,
    )
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs=TEXTAREA))
    text_en = forms.CharField(
        label=_("Question (anglais)"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    explanation = forms.CharField(
        label=_("Explication"),
        required=False,
        help_text=_("Affichée après la correction : pourquoi la bonne réponse est la bonne."),
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    explanation_en = forms.CharField(
        label=_("Explication (anglais)"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=400,
        help_text=_(
            "L’instrument et l’article, par exemple « Convention contre la torture, 1984, "
            "art. 2 §2 »."
        ),
        error_messages={"required": _("Citez la source : l’instrument et l’article.")},
    )
    active = forms.BooleanField(
        label=_("Active : proposée quand on construit un test"), required=False, initial=True
    )

    def __init__(self, *args: Any, with_code: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        module = self.fields["module"]
        assert isinstance(module, forms.ModelChoiceField)
        module.choices = [("", "---------"), *_modules_by_objective()]
        if with_code:
            self.fields["code"] = forms.CharField(
                label=_("Code"),
                max_length=30,
                required=False,
                help_text=_("Laissez vide : Kalan attribue un code (M1-U01, M1-U02…)."),
            )
            self.order_fields(["code"])


class ChoiceForm(forms.Form):
    text = forms.CharField(label=_("Réponse"), max_length=500, required=False)
    text_en = forms.CharField(label=_("Réponse (anglais)"), max_length=500, required=False)
    correct = forms.BooleanField(label=_("correcte"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text", "").strip() and (
            data.get("text_en", "").strip() or data.get("correct")
        ):
            self.add_error("text", _("Écrivez cette réponse en français."))
        return data

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (
            data.get("text", "").strip() or data.get("text_en", "").strip() or data.get("correct")
        )


class BaseChoiceFormSet(forms.BaseFormSet):
    """The answers of one question. The view sets ``kind`` from the question form before
    validating, so that the rules of ``bank.question_problems`` apply here too."""

    kind: str | None = None

    def choices(self) -> list[ChoiceData]:
        return [
            ChoiceData(
                text=form.cleaned_data.get("text", ""),
                text_en=form.cleaned_data.get("text_en", ""),
                correct=bool(form.cleaned_data.get("correct")),
            )
            for form in self.forms
            if not form.is_blank()
        ]

    def clean(self) -> None:
        if any(self.errors) or self.kind is None:
            return
        problems = question_problems(kind=self.kind, choices=self.choices())
        if problems:
            raise forms.ValidationError(
                [forms.ValidationError(str(p.message), code=p.code) for p in problems]
            )


# Always eight rows: blank ones are ignored, so a question may have two to eight answers.
ChoiceFormSet = forms.formset_factory(
    ChoiceForm,
    formset=BaseChoiceFormSet,
    extra=MAX_CHOICES,
    max_num=MAX_CHOICES,
    absolute_max=MAX_CHOICES,
    validate_max=True,
)


def choice_formset(
    data: Any = None, *, initial: list[dict[str, Any]] | None = None
) -> BaseChoiceFormSet:
    formset = ChoiceFormSet(data, prefix="choices", initial=initial)
    assert isinstance(formset, BaseChoiceFormSet)
    return formset
