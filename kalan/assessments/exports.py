"""A session's results out to one XLSX workbook: Synthèse, Participants, Objectifs, Questions and,
when the session has a satisfaction survey, Satisfaction.

Every number comes from ``selectors.session_results``, the same source as the results page, so
the two cannot disagree. The workbook is written and streamed as every export is
(``kalan.core.render.spreadsheets``): write-only openpyxl into an anonymous temporary file,
headers in the request's language, every text through ``spreadsheet_safe`` so that nothing a
participant typed runs as a formula. Numbers are rounded as the page shows them: percentages
to one decimal, difficulty, discrimination and gains to three.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kalan.assessments.selectors import (
    HAKE_GAIN,
    HAKE_GAIN_DEFINITION,
    INDIVIDUAL_GAIN,
    INDIVIDUAL_GAIN_DEFINITION,
    SessionResults,
    TestResults,
)
from kalan.core.formats import date_range
from kalan.core.render.spreadsheets import CellValue, ExportTable, spreadsheet_safe
from kalan.workshops.models import Enrollment


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("oui") if value else _("non")


def _text(value: object) -> CellValue:
    return spreadsheet_safe(str(value))


def _tests(results: SessionResults) -> list[TestResults]:
    return [t for t in (results.pre, results.post) if t is not None]


def summary_table(results: SessionResults) -> ExportTable:
    session = results.session
    rows: list[list[CellValue]] = [
        [_("Atelier"), _text(session.workshop)],
        [
            _("Session"),
            _text(
                _("Session %(number)s — %(place)s")
                % {"number": session.number, "place": session.place}
            ),
        ],
        [_("Lieu"), _text(session.venue)],
        [_("Dates"), date_range(session.start_date, session.end_date)],
    ]
    expected = next(
        (t.turnout.expected for t in (results.pre, results.post, results.survey) if t), None
    )
    rows.append([_("Participants attendus"), expected])
    for test in _tests(results):
        label = str(test.test.get_kind_display()).capitalize()
        rows += [
            [_("%(test)s : copies reçues") % {"test": label}, test.copies],
            [_("%(test)s : copies en cours") % {"test": label}, test.turnout.answering],
            [_("%(test)s : moyenne (%%)") % {"test": label}, _percent(test.mean_percent)],
            [_("%(test)s : seuil de réussite (%%)") % {"test": label}, test.test.pass_mark],
            [
                _("%(test)s : part atteignant le seuil (%%)") % {"test": label},
                _percent(None if test.pass_share is None else 100 * test.pass_share),
            ],
        ]
    if results.pre and results.post:
        rows += [
            [_("Participants ayant passé les deux tests"), len(results.matched)],
            [_("Moyenne au pré-test de ces participants (%)"), _percent(results.matched_mean_pre)],
            [
                _("Moyenne au post-test de ces participants (%)"),
                _percent(results.matched_mean_post),
            ],
            [_("Gain moyen (points de %)"), _percent(results.mean_gain)],
            # Each gain under its own name, its definition in the third column.
            [_text(HAKE_GAIN), _ratio(results.hake_gain), _text(HAKE_GAIN_DEFINITION)],
            [
                _text(INDIVIDUAL_GAIN),
                _ratio(results.mean_normalised_gain),
                _text(INDIVIDUAL_GAIN_DEFINITION),
            ],
        ]
    if results.survey:
        rows += [
            [_("Questionnaire de satisfaction : copies reçues"), results.survey.copies],
            [_("Satisfaction moyenne (1 à 5)"), _ratio(results.survey.mean_rating)],
        ]
    rows.append([_("Calculé le"), date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")])
    return ExportTable(
        title=_("Synthèse"),
        headers=[_("Indicateur"), _("Valeur"), _("Définition")],
        rows=rows,
        widths=[60, 40, 80],
    )


def participants_table(results: SessionResults) -> ExportTable:
    def rows() -> Iterator[list[CellValue]]:
        for number, line in enumerate(results.participants, start=1):
            enrollment = line.enrollment
            person = enrollment.person
            role = "" if enrollment.role == Enrollment.Role.PARTICIPANT else enrollment.role
            yield [
                number,
                _text(person.last_name),
                _text(person.first_names),
                _text(enrollment.code),
                _text(enrollment.get_role_display()) if role else None,
                _percent(line.pre),
                _percent(line.post),
                _percent(line.gain),
                _ratio(line.normalised_gain),
                _yes_no(line.pre_passed),
                _yes_no(line.post_passed),
            ]

    return ExportTable(
        title=_("Participants"),
        headers=[
            _("N°"),
            _("Nom"),
            _("Prénoms"),
            _("Code participant"),
            _("Rôle"),
            _("Pré-test (%)"),
            _("Post-test (%)"),
            _("Gain (points de %)"),
            _("Gain normalisé individuel"),
            _("Seuil atteint au pré-test"),
            _("Seuil atteint au post-test"),
        ],
        rows=list(rows()),
        widths=[6, 18, 22, 10, 12, 12, 12, 12, 12, 12, 12],
    )


def objectives_table(results: SessionResults) -> ExportTable:
    rows: list[list[CellValue]] = [
        [
            _text(test.test.get_kind_display()),
            _text(objective.code),
            _text(objective.text),
            objective.questions,
            _percent(objective.percent),
        ]
        for test in _tests(results)
        for objective in test.objectives
    ]
    return ExportTable(
        title=_("Objectifs"),
        headers=[_("Test"), _("Code"), _("Objectif"), _("Questions"), _("Réussite (%)")],
        rows=rows,
        widths=[12, 10, 70, 10, 12],
    )


def questions_table(results: SessionResults) -> ExportTable:
    rows: list[list[CellValue]] = []
    for test in _tests(results):
        for question in test.questions:
            answers = " · ".join(
                f"{choice.letters} : {choice.count}" for choice in question.choices
            )
            rows.append(
                [
                    _text(test.test.get_kind_display()),
                    question.order,
                    _text(question.text),
                    _text(question.kind_label),
                    _text(question.objective),
                    _text(question.module),
                    _text(question.correct),
                    question.copies,
                    _ratio(question.difficulty),
                    _percent(question.percent),
                    _ratio(question.discrimination),
                    question.blank,
                    _text(answers),
                    _text(" ; ".join(flag.reason for flag in question.flags)),
                ]
            )
    return ExportTable(
        title=_("Questions"),
        headers=[
            _("Test"),
            _("N°"),
            _("Question"),
            _("Type"),
            _("Objectif"),
            _("Module"),
            _("Bonne réponse"),
            _("Copies"),
            _("Difficulté (p)"),
            _("Réussite (%)"),
            _("Discrimination"),
            _("Sans réponse"),
            _("Réponses choisies"),
            _("Alertes"),
        ],
        rows=rows,
        widths=[12, 6, 60, 14, 10, 10, 10, 8, 10, 10, 12, 10, 30, 60],
    )


def satisfaction_table(results: SessionResults) -> ExportTable | None:
    survey = results.survey
    if survey is None:
        return None
    rows: list[list[CellValue]] = []
    for rating in survey.ratings:
        rows.append(
            [
                _text(rating.text),
                _("échelle de 1 à 5"),
                rating.count,
                _ratio(rating.mean),
                *(count for _value, count in rating.distribution),
                None,
            ]
        )
    for item in survey.open_questions:
        for answer in item.answers:
            rows.append(
                [_text(item.text), _("question ouverte"), None, None, *([None] * 5), _text(answer)]
            )
    return ExportTable(
        title=_("Satisfaction"),
        headers=[
            _("Question"),
            _("Type"),
            _("Réponses"),
            _("Moyenne (1 à 5)"),
            *(_("Note %(n)s") % {"n": n} for n in range(1, 6)),
            _("Réponse libre"),
        ],
        rows=rows,
        widths=[60, 16, 10, 12, 8, 8, 8, 8, 8, 60],
    )


def results_tables(results: SessionResults) -> list[ExportTable]:
    """The workbook's sheets, in order; Satisfaction only when the session has a survey."""
    tables = [
        summary_table(results),
        participants_table(results),
        objectives_table(results),
        questions_table(results),
    ]
    satisfaction = satisfaction_table(results)
    if satisfaction is not None:
        tables.append(satisfaction)
    return tables
