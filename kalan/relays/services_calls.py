"""The call list of a round, safe with several callers at once.

- ``respondent_claim``: the caller who opens an officer's call page *claims* the call with one
  conditional UPDATE (free, or claimed more than ``CLAIM_TTL`` ago, or by the same caller): two
  callers never both get it, and the second is told who has it.
- ``call_record``: each call is one more ``CallAttempt`` (never changed afterwards); the claim is
  let go unless the officer was reached (the caller goes on to type the answers).
- ``responses_save``: the answers of one officer, all checked first, then written with the
  ``answered_at`` mark in one transaction whose conditional UPDATE
  (``answered_at IS NULL``) only one submission can pass. The second one (another caller, the
  officer on the phone page) is refused and writes nothing: the first answers stay, none is
  lost silently, none is entered twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kalan.assessments import throttle
from kalan.core.audit import audit_bulk_created
from kalan.core.models import User
from kalan.relays.errors import RelayError
from kalan.relays.models import (
    CallAttempt,
    Departure,
    RelayCode,
    Respondent,
    Response,
    Round,
    RoundQuestion,
    Source,
)
from kalan.relays.services import refuse_if_throttled
from kalan.workshops.models import Enrollment

CLAIM_TTL = dt.timedelta(minutes=20)
MAX_NUMBER = 100_000
MAX_TEXT = 2000
YES, NO = "yes", "no"


def _who(user: User | None) -> str:
    if user is None:
        return _("un utilisateur supprimé")
    return user.get_full_name() or user.username


def _open_round(respondent: Respondent) -> None:
    status = Round.objects.filter(pk=respondent.round_id).values_list("status", flat=True).first()
    if status != Round.Status.OPEN:
        raise RelayError(
            _("Ce tour de suivi n’est pas en cours : il n’accepte ni appel ni réponse."),
            code="round_not_open",
        )


def answered_message(respondent: Respondent) -> str:
    """« Ce questionnaire a déjà été rempli le … par … », from the respondent's row."""
    moment = timezone.localtime(respondent.answered_at) if respondent.answered_at else None
    if respondent.answered_via == Source.PHONE:
        who = _("l’officier, sur son téléphone")
    else:
        who = _who(respondent.answered_by)
    return _("Ce questionnaire a déjà été rempli le %(date)s par %(who)s.") % {
        "date": date_format(moment, "j F Y à H:i") if moment else "?",
        "who": who,
    }


def _refused_answered(pk: int) -> RelayError:
    current = Respondent.objects.select_related("answered_by").get(pk=pk)
    return RelayError(answered_message(current), code="already_answered")


def respondent_claim(
    *, respondent: Respondent, by: User, now: dt.datetime | None = None
) -> Respondent:
    """Take the call of this officer for ``by``; returns the row as claimed.

    Raises RelayError ``round_not_open``, ``departed``, ``already_answered`` or ``claimed``
    (naming the caller who has it and since when)."""
    now = now or timezone.now()
    _open_round(respondent)
    if Departure.objects.filter(person_id=respondent.enrollment.person_id).exists():
        raise RelayError(
            _("Cet officier est sorti du suivi : il n’est plus appelé."), code="departed"
        )
    free = Q(claimed_by__isnull=True) | Q(claimed_at__lt=now - CLAIM_TTL) | Q(claimed_by=by)
    taken = Respondent.objects.filter(free, pk=respondent.pk, answered_at__isnull=True).update(
        claimed_by=by, claimed_at=now, updated_at=now
    )
    current = Respondent.objects.select_related("claimed_by", "answered_by").get(pk=respondent.pk)
    if taken:
        return current
    if current.answered_at is not None:
        raise RelayError(answered_message(current), code="already_answered")
    since = timezone.localtime(current.claimed_at) if current.claimed_at else None
    raise RelayError(
        _("Appel en cours par %(who)s depuis %(time)s : choisissez un autre relais.")
        % {"who": _who(current.claimed_by), "time": f"{since:%H:%M}" if since else "?"},
        code="claimed",
    )


def respondent_release(*, respondent: Respondent, by: User) -> bool:
    """Let go of one's own claim (the caller leaves the page without calling)."""
    return bool(
        Respondent.objects.filter(pk=respondent.pk, claimed_by=by).update(
            claimed_by=None, claimed_at=None
        )
    )


def call_record(
    *,
    respondent: Respondent,
    by: User,
    outcome: str,
    note: str = "",
    next_call_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> CallAttempt:
    """One more call to this officer, with what came of it.

    Raises RelayError ``outcome_invalid``, ``next_call_past``, ``round_not_open``,
    ``already_answered`` or ``claimed`` (another caller has the call)."""
    now = now or timezone.now()
    if outcome not in CallAttempt.Outcome.values:
        raise RelayError(_("Résultat de l’appel inconnu."), code="outcome_invalid", field="outcome")
    if next_call_on is not None and next_call_on < timezone.localdate(now):
        raise RelayError(
            _("La date de rappel ne peut pas être dans le passé."),
            code="next_call_past",
            field="next_call_on",
        )
    _open_round(respondent)
    with transaction.atomic():
        locked = (
            Respondent.objects.select_for_update(of=("self",))
            .select_related("answered_by", "claimed_by")
            .get(pk=respondent.pk)
        )
        if locked.answered_at is not None:
            raise RelayError(answered_message(locked), code="already_answered")
        if (
            locked.claimed_by_id not in (None, by.pk)
            and locked.claimed_at
            and (locked.claimed_at >= now - CLAIM_TTL)
        ):
            raise RelayError(
                _("Appel en cours par %(who)s : son appel n’est pas encore noté.")
                % {"who": _who(locked.claimed_by)},
                code="claimed",
            )
        attempt = CallAttempt.objects.create(
            respondent=locked,
            called_at=now,
            caller=by,
            outcome=outcome,
            note=note.strip()[:300],
            next_call_on=next_call_on,
        )
        locked.next_call_on = next_call_on
        if outcome == CallAttempt.Outcome.REACHED:
            locked.claimed_by, locked.claimed_at = by, now
        else:
            locked.claimed_by, locked.claimed_at = None, None
        locked.save(update_fields=["next_call_on", "claimed_by", "claimed_at", "updated_at"])
    return attempt


# --- answers ------------------------------------------------------------------------------------


def _invalid(question: RoundQuestion, message: str) -> RelayError:
    return RelayError(
        _("Question %(n)s (« %(text)s ») : %(message)s")
        % {"n": question.order, "text": question.content.get("text", ""), "message": message},
        code="answer_invalid",
        field=f"q{question.pk}",
    )


def _blank(raw: Any) -> bool:
    return raw is None or raw == "" or raw == []


def answer_value(question: RoundQuestion, raw: Any) -> Any:
    """The stored value of a raw answer (a form's text or list) to a frozen question; None
    when skipped. Raises RelayError ``answer_invalid`` naming the question."""
    if _blank(raw):
        return None
    kind = question.content.get("kind")
    keys = [c.get("key") for c in question.content.get("choices", [])]
    if kind == "yes_no":
        if raw in (True, False):
            return raw
        if str(raw) not in (YES, NO):
            raise _invalid(question, _("répondez oui ou non."))
        return str(raw) == YES
    if kind == "number":
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise _invalid(question, _("un nombre entier est attendu.")) from None
        if not 0 <= value <= MAX_NUMBER:
            raise _invalid(
                question, _("le nombre doit être compris entre 0 et %(max)s.") % {"max": MAX_NUMBER}
            )
        return value
    if kind in ("single", "practice"):
        if str(raw) not in keys:
            raise _invalid(question, _("réponse inconnue."))
        return str(raw)
    if kind == "multiple":
        chosen = [str(v) for v in (raw if isinstance(raw, (list, tuple)) else [raw])]
        if any(v not in keys for v in chosen):
            raise _invalid(question, _("réponse inconnue."))
        return [k for k in keys if k in chosen]
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise _invalid(question, _("%(max)s caractères au plus.") % {"max": MAX_TEXT})
    return text or None


def responses_save(
    *,
    respondent: Respondent,
    answers: dict[int, Any],
    via: str,
    by: User | None,
    now: dt.datetime | None = None,
) -> Respondent:
    """Save all the answers of one officer at once, once.

    ``answers``: raw answers keyed by the pk of the round's questions (a missing one is
    skipped). Raises RelayError ``answer_invalid`` (naming the question), ``via_invalid``,
    ``round_not_open``, ``no_answer`` or ``already_answered``; nothing is written then."""
    now = now or timezone.now()
    if via not in Source.values:
        raise RelayError("via", code="via_invalid")
    _open_round(respondent)
    questions = list(RoundQuestion.objects.filter(round_id=respondent.round_id).order_by("order"))
    known = {q.pk for q in questions}
    if set(answers) - known:
        raise RelayError(
            _("Une réponse porte sur une question qui n’est pas de ce tour."),
            code="answer_invalid",
        )
    values = {q.pk: answer_value(q, answers.get(q.pk)) for q in questions}
    if all(v is None for v in values.values()):
        raise RelayError(_("Aucune réponse n’a été saisie."), code="no_answer")
    with transaction.atomic():
        done = Respondent.objects.filter(pk=respondent.pk, answered_at__isnull=True).update(
            answered_at=now,
            answered_via=via,
            answered_by=by if via != Source.PHONE else None,
            claimed_by=None,
            claimed_at=None,
            next_call_on=None,
            updated_at=now,
        )
        if not done:
            raise _refused_answered(respondent.pk)
        rows = [
            Response(respondent_id=respondent.pk, question_id=pk, value=value)
            for pk, value in values.items()
        ]
        audit_bulk_created(Response.objects.bulk_create(rows))
    return Respondent.objects.get(pk=respondent.pk)


# --- the relay's phone page ----------------------------------------------------------------------


def relay_join(*, code: str, address: str | None, now: dt.datetime | None = None) -> Enrollment:
    """The relay whose personal code this phone typed.

    Wrong codes are counted per address with the test join's (``kalan.assessments.throttle``:
    the same phones, the same sweep to stop), and journaled by it. Raises RelayThrottled
    before looking at the code past the limit, RelayError ``unknown_code`` (counted)."""
    now = now or timezone.now()
    key = throttle.address_key(address)
    refuse_if_throttled(key=key, now=now)
    typed = "".join(code.split()).upper()
    found = RelayCode.objects.select_related("enrollment").filter(code=typed).first()
    if found is None or not typed:
        throttle.refusal_count(test=None, key=key, now=now)
        raise RelayError(
            _("Code personnel inconnu : vérifiez-le sur votre fiche ou auprès du programme."),
            code="unknown_code",
            field="code",
        )
    return found.enrollment
