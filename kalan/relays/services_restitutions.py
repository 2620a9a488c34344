"""Restitutions: a relay (on their phone) or the programme's staff records a briefing the relay
held after the training; staff correct or delete it.

The rules, each a ``RelayError`` naming its field:

- ``not_a_relay``: the enrollment is not a relay (a participant present at least once, not
  superseded by a merge: ``kalan.relays.selectors.relays_of``);
- ``before_training`` / ``in_future``: the date is before the session's last day, or after today;
- ``negative``: a count below zero;
- ``empty_audience``: nobody in the audience;
- ``totals_disagree``: the total by sex (women + men) is not the total by category (colleagues,
  families, leaders, population, others); the message gives both;
- ``absurd_audience``: more than ``ABSURD_AUDIENCE`` persons, always refused;
- ``large_audience``: a *warning to confirm*, not a refusal: more than ``LARGE_AUDIENCE`` persons,
  or, when a unit is given, more colleagues than such a unit holds (``unit_size``: a brigade or a
  post about 60, any other unit 150, the figures of the gendarmerie's and police's own
  establishment tables rounded up generously). Sent again with ``confirm_large=True``, it is
  stored, marked ``large_confirmed``;
- ``duration``: not between 1 and ``MAX_DURATION_MINUTES`` minutes (a whole day, ten hours);
- ``objective_of_another_workshop``: a topic that is not an objective of the relay's workshop;
- a photo's ``PhotoError`` code (``not_an_image``, ``too_large``…) at the field ``photo``: the
  image is re-encoded by ``kalan.core.images`` (no metadata, a new JPEG) before anything is
  written, and its file is deleted if the transaction fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kalan.core.images import PhotoError, ProcessedPhoto, image_upload_process
from kalan.core.models import Place, User
from kalan.people.models import Unit
from kalan.relays.errors import RelayError
from kalan.relays.models import Restitution, Source
from kalan.relays.selectors import relays_of
from kalan.workshops.models import Enrollment, Objective, Session

LARGE_AUDIENCE = 200
ABSURD_AUDIENCE = 5000
MAX_DURATION_MINUTES = 600
SMALL_UNITS = frozenset({Unit.Kind.BRIGADE, Unit.Kind.POST})
SMALL_UNIT_SIZE = 60
UNIT_SIZE = 150
COUNT_FIELDS = ("women", "men", "colleagues", "families", "leaders", "population", "others")
CATEGORY_FIELDS = COUNT_FIELDS[2:]


@dataclass(frozen=True)
class Counts:
    """The audience of a restitution, by sex and by category."""

    women: int = 0
    men: int = 0
    colleagues: int = 0
    families: int = 0
    leaders: int = 0
    population: int = 0
    others: int = 0

    @property
    def by_sex(self) -> int:
        return self.women + self.men

    @property
    def by_category(self) -> int:
        return sum(getattr(self, name) for name in CATEGORY_FIELDS)


def unit_size(unit: Unit) -> int:
    """How many colleagues a unit plausibly holds, above which an audience is to be confirmed."""
    return SMALL_UNIT_SIZE if unit.kind in SMALL_UNITS else UNIT_SIZE


def restitution_record(
    *,
    enrollment: Enrollment,
    held_on: dt.date,
    unit: Unit | None,
    place: Place | None,
    women: int,
    men: int,
    colleagues: int,
    families: int,
    leaders: int,
    population: int,
    others: int,
    duration_minutes: int,
    objectives: Iterable[Objective],
    note: str,
    photo: File | None,
    source: str,
    by: User | None,
    confirm_large: bool = False,
) -> Restitution:
    """Record a restitution the relay held. Raises RelayError (see the module's docstring)."""
    counts = Counts(women, men, colleagues, families, leaders, population, others)
    chosen = list(objectives)
    _check_relay(enrollment)
    large = _check(
        enrollment=enrollment,
        held_on=held_on,
        unit=unit,
        counts=counts,
        duration_minutes=duration_minutes,
        objectives=chosen,
        confirm_large=confirm_large,
    )
    processed = _processed(photo)
    restitution = Restitution(
        enrollment=enrollment,
        source=Source(source),
        reported_by=by,
    )
    return _save(
        restitution,
        held_on=held_on,
        unit=unit,
        place=place,
        counts=counts,
        duration_minutes=duration_minutes,
        objectives=chosen,
        note=note,
        processed=processed,
        large=large,
    )


def restitution_update(
    *,
    restitution: Restitution,
    held_on: dt.date,
    unit: Unit | None,
    place: Place | None,
    women: int,
    men: int,
    colleagues: int,
    families: int,
    leaders: int,
    population: int,
    others: int,
    duration_minutes: int,
    objectives: Iterable[Objective],
    note: str,
    photo: File | None,
    remove_photo: bool = False,
    confirm_large: bool = False,
) -> Restitution:
    """Correct a restitution (staff). A new photo replaces the old one; ``remove_photo`` drops
    it. The old file is deleted once the change is committed. Raises RelayError as
    ``restitution_record`` does."""
    counts = Counts(women, men, colleagues, families, leaders, population, others)
    chosen = list(objectives)
    large = _check(
        enrollment=restitution.enrollment,
        held_on=held_on,
        unit=unit,
        counts=counts,
        duration_minutes=duration_minutes,
        objectives=chosen,
        confirm_large=confirm_large,
    )
    processed = _processed(photo)
    old = restitution.photo.name if (processed or remove_photo) else ""
    if remove_photo and not processed:
        restitution.photo = ""
    _save(
        restitution,
        held_on=held_on,
        unit=unit,
        place=place,
        counts=counts,
        duration_minutes=duration_minutes,
        objectives=chosen,
        note=note,
        processed=processed,
        large=large,
        replaced=old,
    )
    return restitution


def restitution_delete(*, restitution: Restitution) -> None:
    """Delete the restitution and, once the deletion is committed, its photo's file."""
    name = restitution.photo.name
    with transaction.atomic():
        restitution.delete()
        if name:
            transaction.on_commit(lambda: _file_delete(name))


# --- the rules ------------------------------------------------------------------------------


def _check_relay(enrollment: Enrollment) -> None:
    sessions = Session.objects.filter(pk=enrollment.session_id)
    if not relays_of(sessions=sessions).filter(pk=enrollment.pk).exists():
        raise RelayError(
            _(
                "Cette personne n’est pas un relais de la session : seul un participant présent "
                "au moins une demi-journée peut rendre compte d’une restitution."
            ),
            code="not_a_relay",
        )


def _check(
    *,
    enrollment: Enrollment,
    held_on: dt.date,
    unit: Unit | None,
    counts: Counts,
    duration_minutes: int,
    objectives: Sequence[Objective],
    confirm_large: bool,
) -> bool:
    """Every rule but the relay's; True when the audience is large (and confirmed)."""
    _check_date(enrollment.session, held_on)
    large = _check_counts(counts, unit=unit, confirm_large=confirm_large)
    if not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise RelayError(
            _("Durée : indiquez entre 1 et %(max)s minutes (%(given)s saisies).")
            % {"max": MAX_DURATION_MINUTES, "given": duration_minutes},
            code="duration",
            field="duration_minutes",
        )
    workshop_id = enrollment.session.workshop_id
    if any(objective.workshop_id != workshop_id for objective in objectives):
        raise RelayError(
            _("Thèmes abordés : choisissez parmi les objectifs de l’atelier suivi par le relais."),
            code="objective_of_another_workshop",
            field="objectives",
        )
    return large


def _check_date(session: Session, held_on: dt.date) -> None:
    if held_on < session.end_date:
        raise RelayError(
            _(
                "Date : la restitution ne peut précéder la fin de la formation (le %(end)s) ; "
                "vérifiez le jour saisi."
            )
            % {"end": date_format(session.end_date, "j F Y")},
            code="before_training",
            field="held_on",
        )
    if held_on > timezone.localdate():
        raise RelayError(
            _(
                "Date : la restitution ne peut être dans le futur ; indiquez le jour où elle a "
                "eu lieu."
            ),
            code="in_future",
            field="held_on",
        )


def _check_counts(counts: Counts, *, unit: Unit | None, confirm_large: bool) -> bool:
    for name in COUNT_FIELDS:
        if getattr(counts, name) < 0:
            raise RelayError(_("Ce nombre ne peut être négatif."), code="negative", field=name)
    if counts.by_sex == 0 and counts.by_category == 0:
        raise RelayError(
            _("Public : indiquez combien de personnes ont assisté, par sexe et par catégorie."),
            code="empty_audience",
        )
    if counts.by_sex != counts.by_category:
        raise RelayError(
            _(
                "Public : %(by_sex)s personnes par sexe (femmes + hommes) mais %(by_category)s par "
                "catégorie (collègues, familles, leaders, population, autres) : les deux totaux "
                "doivent être égaux."
            )
            % {"by_sex": counts.by_sex, "by_category": counts.by_category},
            code="totals_disagree",
        )
    if counts.by_sex > ABSURD_AUDIENCE:
        raise RelayError(
            _(
                "Public : %(total)s personnes, c’est plus que les %(max)s qu’une restitution peut "
                "réunir ; vérifiez les nombres saisis."
            )
            % {"total": counts.by_sex, "max": ABSURD_AUDIENCE},
            code="absurd_audience",
        )
    warning = _large_warning(counts, unit=unit)
    if warning and not confirm_large:
        raise RelayError(warning, code="large_audience", field="confirm_large")
    return bool(warning)


def _large_warning(counts: Counts, *, unit: Unit | None) -> str:
    if counts.by_sex > LARGE_AUDIENCE:
        return _(
            "Public : %(total)s personnes, c’est beaucoup pour une restitution. Vérifiez les "
            "nombres ; s’ils sont justes, cochez « Je confirme cet effectif »."
        ) % {"total": counts.by_sex}
    if unit is not None and counts.colleagues > unit_size(unit):
        return _(
            "Public : %(colleagues)s collègues, c’est plus que n’en compte d’habitude une unité "
            "comme « %(unit)s » (%(size)s environ). Vérifiez les nombres ; s’ils sont justes, "
            "cochez « Je confirme cet effectif »."
        ) % {"colleagues": counts.colleagues, "unit": unit.name, "size": unit_size(unit)}
    return ""


# --- the writes -----------------------------------------------------------------------------


def _processed(photo: File | None) -> ProcessedPhoto | None:
    """The photo re-encoded without metadata, checked before anything is written."""
    if not photo:
        return None
    try:
        return image_upload_process(photo)
    except PhotoError as error:
        raise RelayError(str(error), code=error.code, field="photo") from None


def _save(
    restitution: Restitution,
    *,
    held_on: dt.date,
    unit: Unit | None,
    place: Place | None,
    counts: Counts,
    duration_minutes: int,
    objectives: Sequence[Objective],
    note: str,
    processed: ProcessedPhoto | None,
    large: bool,
    replaced: str = "",
) -> Restitution:
    restitution.held_on = held_on
    restitution.unit = unit
    restitution.place = place
    for name in COUNT_FIELDS:
        setattr(restitution, name, getattr(counts, name))
    restitution.duration_minutes = duration_minutes
    restitution.note = note.strip()
    restitution.large_confirmed = large
    written = ""
    try:
        with transaction.atomic():
            if processed is not None:
                restitution.photo.save("photo.jpg", ContentFile(processed.display), save=False)
                written = restitution.photo.name
            restitution.full_clean()
            restitution.save()
            restitution.objectives.set(objectives)
            if replaced and replaced != restitution.photo.name:
                transaction.on_commit(lambda: _file_delete(replaced))
    except BaseException:
        if written:
            _file_delete(written)
        raise
    return restitution


def _file_delete(name: str) -> None:
    Restitution._meta.get_field("photo").storage.delete(name)
