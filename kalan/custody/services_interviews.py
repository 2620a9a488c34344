"""Anonymous interviews (issue 14, point 4): a person heard in private during a visit is
recorded by a code only, with their consent, whether they reported ill-treatment, and the
monitors' notes (read by the NPM and administrators only, never kept in the journal:
``Interview.audit_secret_fields``).

Functions: ``interview_code_suggest``, ``interview_record``, ``interview_update``.

The rules, each a ``CustodyError`` naming its field:

- ``code_format`` (``code``): the code, upper-cased, is not 3 to 20 letters, digits or dashes;
- ``code_reused`` (``code``): another interview, of any visit, already has this code;
- ``no_consent`` (``consent``): the person's informed consent was not recorded;
- ``notes_empty`` (``notes``): nothing written;
- ``visit_cancelled`` (``None``): the visit was cancelled.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from kalan.core.models import User
from kalan.custody.errors import CustodyError
from kalan.custody.models import Interview, Visit
from kalan.relays.models import code_new

CODE_RE = re.compile(r"^[A-Z0-9-]{3,20}$")
SUGGESTED_PREFIX = "E-"
SUGGESTED_LENGTH = 4


def interview_code_suggest() -> str:
    """A fresh code (``E-7K3Q``), from the alphabet of codes read aloud
    (``kalan.relays.models.CODE_ALPHABET``), that no interview has yet."""
    while True:
        code = SUGGESTED_PREFIX + code_new(SUGGESTED_LENGTH)
        if not Interview.objects.filter(code=code).exists():
            return code


def _code_clean(code: str, *, interview: Interview | None = None) -> str:
    code = (code or "").strip().upper()
    if not CODE_RE.match(code):
        raise CustodyError(
            _(
                "Le code anonyme doit compter de 3 à 20 caractères : lettres sans accent, "
                "chiffres ou tirets (par exemple E-7K3Q)."
            ),
            code="code_format",
            field="code",
        )
    others = Interview.objects.filter(code=code)
    if interview is not None:
        others = others.exclude(pk=interview.pk)
    if others.exists():
        raise CustodyError(
            _(
                "Le code « %(code)s » est déjà utilisé pour un autre entretien. Chaque personne "
                "entendue reçoit un code nouveau."
            )
            % {"code": code},
            code="code_reused",
            field="code",
        )
    return code


def _notes_clean(notes: str) -> str:
    notes = (notes or "").strip()
    if not notes:
        raise CustodyError(
            _("Les notes de l’entretien sont obligatoires."), code="notes_empty", field="notes"
        )
    return notes


@transaction.atomic
def interview_record(
    *,
    visit: Visit,
    code: str,
    consent: bool,
    allegation: bool,
    notes: str,
    by: User | None,
) -> Interview:
    """Record an interview of the visit. Raises ``code_format``, ``code_reused``,
    ``no_consent``, ``notes_empty``, ``visit_cancelled``."""
    if visit.status == Visit.Status.CANCELLED:
        raise CustodyError(
            _("Cette visite a été annulée : aucun entretien ne peut y être enregistré."),
            code="visit_cancelled",
        )
    code = _code_clean(code)
    if not consent:
        raise CustodyError(
            _(
                "Un entretien n’est enregistré qu’avec le consentement éclairé de la personne : "
                "cochez la case après l’avoir recueilli."
            ),
            code="no_consent",
            field="consent",
        )
    return Interview.objects.create(
        visit=visit,
        code=code,
        consent=True,
        allegation=bool(allegation),
        notes=_notes_clean(notes),
        recorded_by=by,
    )


@transaction.atomic
def interview_update(*, interview: Interview, code: str, allegation: bool, notes: str) -> Interview:
    """Correct an interview (its consent stays as recorded). Raises ``code_format``,
    ``code_reused``, ``notes_empty``."""
    interview.code = _code_clean(code, interview=interview)
    interview.allegation = bool(allegation)
    interview.notes = _notes_clean(notes)
    interview.save(update_fields=["code", "allegation", "notes", "updated_at"])
    return interview
