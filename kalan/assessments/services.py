"""Writes of tests and answers: build from the bank (frozen copies), open, answer, send, score.

Scoring lives in ``scoring.py``; reads and results in ``selectors.py``.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalan.assessments.errors import AssessmentError
from kalan.assessments.models import (
    Answer,
    JoinRefusal,
    Question,
    QuestionKind,
    Submission,
    Test,
    TestQuestion,
)
from kalan.assessments.scoring import CHOICE_KEYS, question_points
from kalan.assessments.throttle import refusals_audit
from kalan.core import statements
from kalan.workshops.models import Enrollment, Session

# No 0/O or 1/I: the code is read off a screen and typed on a phone.
ACCESS_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ACCESS_LENGTH = 6
SCORED_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE}


def access_code_new() -> str:
    while True:
        code = "".join(secrets.choice(ACCESS_ALPHABET) for _ in range(ACCESS_LENGTH))
        if not Test.objects.filter(access_code=code).exists():
            return code


def question_snapshot(question: Question) -> dict[str, Any]:
    """The question as a test keeps it, whatever happens to the bank later."""
    choices = list(question.choices.order_by("order"))
    return {
        "kind": question.kind,
        "code": question.code,
        "text": question.text,
        "text_en": question.text_en,
        "explanation": question.explanation,
        "explanation_en": question.explanation_en,
        "source": question.source,
        "module": question.module.code,
        "objective": question.module.objective.code,
        "choices": [
            {"key": key, "text": c.text, "text_en": c.text_en, "correct": c.correct}
            for key, c in zip(CHOICE_KEYS, choices, strict=False)
        ],
    }


@transaction.atomic
def test_create(
    *,
    session: Session,
    kind: str,
    title: str,
    questions: Sequence[Question] = (),
    contents: Sequence[dict[str, Any]] = (),
    pass_mark: int = 70,
    scoring: str = Test.Scoring.PARTIAL,
) -> Test:
    """A test of the session from bank questions (copied now) or from frozen contents.

    Raises AssessmentError ``test_exists`` when the session already has a test of that kind, and
    ``no_questions`` when there is nothing to ask.
    """
    if Test.objects.filter(session=session, kind=kind).exists():
        raise AssessmentError(
            _("Cette session a déjà un %(kind)s.") % {"kind": Test.Kind(kind).label},
            code="test_exists",
            field="kind",
        )
    frozen = [question_snapshot(q) for q in questions] + [dict(c) for c in contents]
    if not frozen:
        raise AssessmentError(
            _("Choisissez au moins une question."), code="no_questions", field="questions"
        )
    test = Test(
        session=session,
        kind=kind,
        title=title.strip(),
        pass_mark=pass_mark,
        scoring=scoring,
        access_code=access_code_new(),
    )
    test.full_clean()
    test.save()
    bank = {q.code: q for q in questions}
    TestQuestion.objects.bulk_create(
        TestQuestion(
            test=test, order=n, content=content, question=bank.get(content.get("code", ""))
        )
        for n, content in enumerate(frozen, start=1)
    )
    return test


def test_copy(*, source: Test, session: Session, kind: str | None = None) -> Test:
    """The same frozen questions for another session (or as the post-test of the same one)."""
    contents = [tq.content for tq in source.questions.order_by("order")]
    kind = kind or source.kind
    return test_create(
        session=session,
        kind=kind,
        title=f"{Test.Kind(kind).label.capitalize()} — {session.place}",
        contents=contents,
        pass_mark=source.pass_mark,
        scoring=source.scoring,
    )


def bank_questions_for(
    *, objective_codes: Iterable[str], per_objective: int | None = None
) -> list[Question]:
    """Active bank questions of the given curriculum objectives, in bank order."""
    chosen: list[Question] = []
    for code in objective_codes:
        questions = (
            Question.objects.filter(active=True, module__objective__code=code)
            .exclude(kind__in=[QuestionKind.RATING, QuestionKind.OPEN])
            .select_related("module__objective")
            .prefetch_related("choices")
            .order_by("module__order", "code")
        )
        chosen.extend(questions[:per_objective] if per_objective else questions)
    return chosen


@transaction.atomic
def test_open(*, test: Test) -> Test:
    test = Test.objects.select_for_update().get(pk=test.pk)
    test.status = Test.Status.OPEN
    test.opened_at = test.opened_at or timezone.now()
    test.closed_at = None
    test.save(update_fields=["status", "opened_at", "closed_at", "updated_at"])
    return test


@transaction.atomic
def test_close(*, test: Test) -> Test:
    test = Test.objects.select_for_update().get(pk=test.pk)
    test.status = Test.Status.CLOSED
    test.closed_at = timezone.now()
    test.save(update_fields=["status", "closed_at", "updated_at"])
    # The wrong codes typed for it go to the journal now, the last five minutes included.
    refusals_audit(rows=JoinRefusal.objects.filter(test=test))
    return test


def _open_test(code: str) -> Test:
    test = Test.objects.select_related("session").filter(access_code=code.strip().upper()).first()
    if test is None:
        raise AssessmentError(
            _("Code de test inconnu : vérifiez le code affiché par le formateur."),
            code="unknown_test",
            field="access_code",
        )
    if test.status != Test.Status.OPEN:
        raise AssessmentError(
            _("Ce test est fermé : il n’accepte plus de réponses."),
            code="test_closed",
            field="access_code",
        )
    return test


@transaction.atomic
def submission_start(*, access_code: str, participant_code: str, device: str = "") -> Submission:
    """The participant's copy of an open test, created at first visit and found again after.

    ``device``: the phone that asks (``services_take.device_id``), kept on a copy it creates.

    Raises AssessmentError ``unknown_test``, ``test_closed``, ``unknown_participant``, or
    ``already_submitted`` when this participant's answers were already sent.
    """
    test = _open_test(access_code)
    # An enrollment superseded by a merge (kalan.workshops.merge): its badge is no longer valid.
    enrollment = Enrollment.objects.filter(
        session=test.session, code=participant_code.strip(), superseded_by__isnull=True
    ).first()
    if enrollment is None or enrollment.status == Enrollment.Status.WITHDRAWN:
        raise AssessmentError(
            _("Code participant inconnu pour cette session : il figure sur votre badge."),
            code="unknown_participant",
            field="participant_code",
        )
    try:
        with transaction.atomic():
            submission, _created = Submission.objects.get_or_create(
                test=test, enrollment=enrollment, superseded_by=None, defaults={"device": device}
            )
    except IntegrityError:  # two phones of the same participant at the same instant
        submission = Submission.objects.get(test=test, enrollment=enrollment, superseded_by=None)
    if submission.submitted_at is not None:
        raise AssessmentError(
            _("Vos réponses à ce test ont déjà été envoyées : la première copie est gardée."),
            code="already_submitted",
        )
    return submission


def _writable(submission: Submission, *, device: str | None = None) -> Submission:
    """The submission, locked, if it can still take answers; raises AssessmentError if not.

    ``device``: the phone writing (``services_take.device_id``), refused with ``device_replaced``
    when the trainer handed the copy to another phone; None for writes that come from no phone.
    """
    # The copy's row only: FOR UPDATE with the join would also lock the test's row, which every
    # phone's answer reads, and queue all of them behind one another (bench/scale.py).
    locked = (
        Submission.objects.select_for_update(of=("self",), no_key=True)
        .select_related("test")
        .get(pk=submission.pk)
    )
    _check_writable(locked, device=device)
    return locked


def _check_writable(locked: Submission, *, device: str | None) -> None:
    if device is not None and locked.device and locked.device != device:
        raise AssessmentError(
            _("Le formateur a confié cette copie à un autre téléphone."),
            code="device_replaced",
        )
    if locked.test.status != Test.Status.OPEN and not locked.on_paper:
        raise AssessmentError(
            _("Ce test est fermé : il n’accepte plus de réponses."), code="test_closed"
        )
    if locked.submitted_at is not None:
        raise AssessmentError(
            _("Vos réponses à ce test ont déjà été envoyées : la première copie est gardée."),
            code="already_submitted",
        )


def _clean_answer(
    question: TestQuestion, *, choices: Sequence[str], rating: int | None, text: str
) -> tuple[list[str], int | None, str]:
    """Refuse what no honest form could send: unknown choices, two answers to a single choice."""
    kind = question.content["kind"]
    keys = {c["key"] for c in question.content.get("choices", [])}
    chosen = sorted(set(choices))
    tampered = AssessmentError(
        _("Réponse invalide : rechargez la page et répondez à nouveau."), code="tampered"
    )
    if any(key not in keys for key in chosen):
        raise tampered
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and len(chosen) > 1:
        raise tampered
    if kind == QuestionKind.RATING:
        if rating is not None and not 1 <= rating <= 5:
            raise tampered
        return [], rating, ""
    if kind == QuestionKind.OPEN:
        return [], None, text.strip()[:2000]
    return chosen, None, ""


def answer_save(
    *,
    submission: Submission,
    question: TestQuestion,
    choices: Sequence[str] = (),
    rating: int | None = None,
    text: str = "",
    device: str | None = None,
    locked: bool = False,
) -> None:
    """Keep one answer as soon as it is given, so a dropped connection loses nothing.

    Raises AssessmentError ``test_closed``, ``already_submitted``, ``device_replaced`` (another
    phone took the copy over) or ``tampered`` (a question of another test, an unknown choice, a
    rating out of range).

    ``locked``: the caller read ``submission`` with its row lock inside the transaction this runs
    in (``selectors_tests.submission_for_take(lock=True)``), so it is checked as it is, not read
    again: the phone's answer, which a thousand phones send every few seconds, reads its copy
    once and opens no savepoint.
    """
    if not locked:
        with transaction.atomic():
            copy = _writable(submission, device=device)
            _answer_write(copy, question, choices=choices, rating=rating, text=text)
        return
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "answer_save(locked=True) outside a transaction"
        )
    _check_writable(submission, device=device)
    _answer_write(submission, question, choices=choices, rating=rating, text=text)


def _answer_write(
    locked: Submission,
    question: TestQuestion,
    *,
    choices: Sequence[str],
    rating: int | None,
    text: str,
) -> None:
    if question.test_id != locked.test_id:
        raise AssessmentError(
            _("Réponse invalide : rechargez la page et répondez à nouveau."), code="tampered"
        )
    chosen, rating, text = _clean_answer(question, choices=choices, rating=rating, text=text)
    # One INSERT … ON CONFLICT DO UPDATE rather than update_or_create's SELECT … FOR UPDATE and
    # INSERT or UPDATE inside two savepoints: six statements fewer on the request a thousand
    # phones send every few seconds (bench/scale.py), and its SQL written once per process
    # (kalan.core.statements). The copy's row lock above already orders the writes of one copy;
    # Answer is left out of the journal (audit_exclude), so skipping save() and its signals
    # loses nothing. ``points`` is left as it is, as before.
    statements.upsert(
        Answer(submission=locked, question=question, choices=chosen, rating=rating, text=text),
        unique=("submission", "question"),
        update=("choices", "rating", "text", "updated_at"),
    )


@transaction.atomic
def submission_submit(*, submission: Submission, device: str | None = None) -> Submission:
    """Send the copy: score it and close it to further answers.

    The row is locked, so of two phones sending the same copy at once the first wins and the
    second gets ``already_submitted``. Raises also ``test_closed`` and ``device_replaced``.
    """
    locked = _writable(submission, device=device)
    _score(locked)
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["submitted_at", "score", "max_score", "updated_at"])
    return locked


def _score(submission: Submission) -> None:
    # Plain rows, not model instances, and one UPDATE per distinct mark (0, ½, 1…) rather than
    # one per answer: this runs under the row lock (SQLite's write lock), and a whole room of
    # phones sending at the same moment queues behind it (bench/submissions.py).
    test = submission.test
    questions = test.questions.values_list("pk", "content")
    answers = {
        question_id: (pk, choices, points)
        for pk, question_id, choices, points in submission.answers.values_list(
            "pk", "question_id", "choices", "points"
        )
    }
    total = possible = 0.0
    changed: dict[float, list[int]] = defaultdict(list)
    for question_pk, content in questions:
        if content["kind"] not in SCORED_KINDS:
            continue
        possible += 1
        answer = answers.get(question_pk)
        points = question_points(content, answer[1] if answer else [], scoring=test.scoring)
        total += points
        if answer is not None and answer[2] != points:
            changed[points].append(answer[0])
    now = timezone.now()
    for points, pks in changed.items():
        Answer.objects.filter(pk__in=pks).update(points=points, updated_at=now)
    submission.score, submission.max_score = total, possible


@transaction.atomic
def paper_answers_save(
    *, test: Test, rows: dict[int, Sequence[str]], by_enrollment: dict[int, Enrollment]
) -> int:
    """Enter paper answer sheets: ``rows`` maps an enrollment id to one entry per question
    ("A", "AC", "V"/"F" for true/false, "" for no answer). Every copy is scored and sent.

    All or nothing: raises AssessmentError ``bad_entry`` naming the participant and question of
    the first entry that is not a possible answer, and saves nothing then. Returns the number
    of copies saved. A participant who already sent a copy (on a phone) keeps it.
    """
    questions = list(test.questions.order_by("order"))
    saved = 0
    for enrollment_id, entries in rows.items():
        enrollment = by_enrollment[enrollment_id]
        if not any(entry.strip() for entry in entries):
            continue
        submission, _created = Submission.objects.select_for_update().get_or_create(
            test=test, enrollment=enrollment, superseded_by=None, defaults={"on_paper": True}
        )
        if submission.submitted_at is not None:
            continue
        submission.on_paper = True
        for question, entry in zip(questions, entries, strict=False):
            keys = paper_keys(question.content, entry)
            if keys is None:
                raise AssessmentError(
                    _("« %(entry)s » n’est pas une réponse possible à la question %(n)s (%(who)s).")
                    % {"entry": entry, "n": question.order, "who": enrollment.person},
                    code="bad_entry",
                )
            Answer.objects.update_or_create(
                submission=submission, question=question, defaults={"choices": keys}
            )
        _score(submission)
        submission.submitted_at = timezone.now()
        submission.save()
        saved += 1
    return saved


def paper_keys(content: dict[str, Any], entry: str) -> list[str] | None:
    """The choice keys a typed paper entry stands for, or None when it names no choice."""
    text = entry.strip().upper().replace(",", "").replace(" ", "")
    if not text:
        return []
    choices = content.get("choices", [])
    if content["kind"] == QuestionKind.TRUE_FALSE and text in {"V", "T", "F"}:
        # Vrai/True is the choice whose text says so: the bank orders them Vrai, Faux.
        wanted = "vrai" if text in {"V", "T"} else "faux"
        for choice in choices:
            if choice["text"].strip().lower() == wanted:
                return [choice["key"]]
        return None
    keys = {c["key"] for c in choices}
    picked = sorted(set(text))
    if any(key not in keys for key in picked):
        return None
    if content["kind"] != QuestionKind.MULTIPLE and len(picked) > 1:
        return None
    return picked
