"""The bank pages: the curriculum and its questions, and the form that writes or edits one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kalan.assessments import bank, selectors_bank
from kalan.assessments.errors import AssessmentError
from kalan.assessments.forms_bank import QuestionForm, choice_formset
from kalan.assessments.models import Module, Question
from kalan.core.forms import form_add_error
from kalan.core.roles import requires


@requires("view_bank")
def bank_list(request: HttpRequest) -> HttpResponse:
    objective_code = request.GET.get("objectif", "").strip()
    module_code = request.GET.get("module", "").strip()
    overview = selectors_bank.bank_overview(objective_code=objective_code, module_code=module_code)
    try:
        rules = bank.legal_rules()
    except AssessmentError:
        rules = ()  # a broken file is reported by `kalan bank load`, not by this page
    return render(
        request,
        "assessments/bank_list.html",
        {
            "overview": overview,
            "objective_code": objective_code,
            "module_code": module_code,
            "rules": rules,
        },
    )


def _question_or_404(uid: str) -> Question:
    try:
        return selectors_bank.question_get(uid=uid)
    except (Question.DoesNotExist, ValidationError):
        raise Http404 from None


def _back_to(module: Module) -> str:
    return f"{reverse('bank_list')}?{urlencode({'module': module.code})}"


def _question_form(request: HttpRequest, question: Question | None) -> HttpResponse:
    creating = question is None
    if request.method == "POST":
        form = QuestionForm(request.POST, with_code=creating)
        choices = choice_formset(request.POST)
        valid = form.is_valid()
        choices.kind = getattr(form, "cleaned_data", {}).get("kind")
        valid = choices.is_valid() and valid
        if valid:
            fields = dict(form.cleaned_data)
            try:
                if question is None:
                    question = bank.question_create(**fields, choices=choices.choices())
                    messages.success(
                        request, _("Question %(code)s ajoutée.") % {"code": question.code}
                    )
                else:
                    question = bank.question_update(
                        question=question, **fields, choices=choices.choices()
                    )
                    messages.success(
                        request, _("Question %(code)s enregistrée.") % {"code": question.code}
                    )
            except (AssessmentError, ValidationError) as error:
                # The formset checked the answers already: what is left concerns the question.
                form_add_error(form, error)
            else:
                return redirect(_back_to(question.module))
    elif question is not None:
        form = QuestionForm(
            initial={
                "module": question.module,
                "kind": question.kind,
                "text": question.text,
                "text_en": question.text_en,
                "explanation": question.explanation,
                "explanation_en": question.explanation_en,
                "source": question.source,
                "active": question.active,
            }
        )
        choices = choice_formset(
            initial=[
                {"text": c.text, "text_en": c.text_en, "correct": c.correct}
                for c in question.choices.all()
            ],
        )
    else:
        module = Module.objects.filter(code=request.GET.get("module", "")).first()
        form = QuestionForm(with_code=True, initial={"module": module} if module else None)
        choices = choice_formset()
    return render(
        request,
        "assessments/question_form.html",
        {"form": form, "choices": choices, "question": question if not creating else None},
    )


@requires("change_bank")
def question_create(request: HttpRequest) -> HttpResponse:
    return _question_form(request, None)


@requires("change_bank")
def question_edit(request: HttpRequest, uid: str) -> HttpResponse:
    return _question_form(request, _question_or_404(uid))
