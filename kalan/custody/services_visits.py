"""Visits of places of detention: the visit itself, its answers to the instrument and its photos
(issue 14, points 2-4).

``visit_save`` raises ``CustodyError`` naming its field:

- ``team_not_npm``: a member of the team is neither an NPM member nor an administrator (a
  trainer never inspects custody); the message names them;
- ``outside_place``: the date is before the place was in service or after it closed (the message
  gives the dates);
- ``done_in_future``: a visit marked done on a day still to come;
- ``left_before_arrived``: the team left before it arrived;
- ``negative``: a count below zero.

``visit_answers_save`` replaces the visit's answers, all or none:

- ``item_twice``: an item answered twice (the message names it);
- ``item_unknown``: an item out of use, or not of the instrument;
- ``answer_invalid``: an answer other than yes, partly, no, not seen;
- ``visit_cancelled``: the visit was cancelled;
- ``negative`` / ``over_limit_without_examined`` / ``over_limit_above_examined``: the register's
  counts (at ``register_examined`` / ``register_over_limit``).

``visit_photo_add`` raises ``caption_missing``, ``people_not_excluded`` (the box « La photo montre
les lieux et aucune personne » not ticked) and the ``PhotoError`` codes of ``kalan.core.images``
at the field ``image``: the image is re-encoded without metadata before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kalan.core.images import PhotoError, image_upload_process
from kalan.core.models import User
from kalan.custody.errors import CustodyError
from kalan.custody.models import (
    Answer,
    DetentionPlace,
    InstrumentItem,
    ItemAnswer,
    Visit,
    VisitPhoto,
)
from kalan.custody.selectors import TEAM_ROLES

HELD_FIELDS = ("held_men", "held_women", "held_boys", "held_girls")


def _day(day: dt.date) -> str:
    return date_format(day, "d/m/Y")


def visit_save(
    *,
    visit: Visit | None = None,
    place: DetentionPlace,
    kind: str,
    status: str,
    visited_on: dt.date,
    arrived_at: dt.time | None,
    left_at: dt.time | None,
    team: Iterable[User],
    received_by: str,
    held_men: int | None,
    held_women: int | None,
    held_boys: int | None,
    held_girls: int | None,
    summary: str,
    by: User | None,
) -> Visit:
    """Record a visit (``visit`` None) or change it, with its team. Raises CustodyError (see the
    module's docstring)."""
    members = list(team)
    _check_team(members)
    _check_date(place, visited_on=visited_on, status=status)
    if arrived_at and left_at and left_at < arrived_at:
        raise CustodyError(
            _("Départ de l’équipe : l’heure de départ (%(left)s) précède l’arrivée (%(arrived)s).")
            % {"left": left_at.strftime("%H:%M"), "arrived": arrived_at.strftime("%H:%M")},
            code="left_before_arrived",
            field="left_at",
        )
    held = {"held_men": held_men, "held_women": held_women}
    held |= {"held_boys": held_boys, "held_girls": held_girls}
    for name, value in held.items():
        if value is not None and value < 0:
            raise CustodyError(_("Ce nombre ne peut être négatif."), code="negative", field=name)
    if visit is None:
        visit = Visit(created_by=by)
    visit.place = place
    visit.kind = kind
    visit.status = status
    visit.visited_on = visited_on
    visit.arrived_at = arrived_at
    visit.left_at = left_at
    visit.received_by = received_by.strip()
    for name, value in held.items():
        setattr(visit, name, value)
    visit.summary = summary.strip()
    with transaction.atomic():
        visit.full_clean()
        visit.save()
        visit.team.set(members)
    return visit


def _check_team(members: Sequence[User]) -> None:
    refused = [m for m in members if m.role not in TEAM_ROLES and not m.is_superuser]
    if refused:
        names = ", ".join(m.get_full_name() or m.username for m in refused)
        raise CustodyError(
            _(
                "Équipe : %(names)s ne peut faire partie de l’équipe ; seuls les membres du MNP "
                "et les administrateurs visitent les lieux de privation de liberté."
            )
            % {"names": names},
            code="team_not_npm",
            field="team",
        )


def _check_date(place: DetentionPlace, *, visited_on: dt.date, status: str) -> None:
    opened, closed = place.opened_on, place.closed_on
    if (opened and visited_on < opened) or (closed and visited_on > closed):
        if opened and closed:
            existence = _("en service du %(opened)s au %(closed)s") % {
                "opened": _day(opened),
                "closed": _day(closed),
            }
        elif opened:
            existence = _("en service depuis le %(opened)s") % {"opened": _day(opened)}
        else:
            existence = _("fermé le %(closed)s") % {"closed": _day(closed)}  # type: ignore[arg-type]
        raise CustodyError(
            _(
                "Date : le %(day)s, « %(place)s » n’existait pas comme lieu de détention "
                "(%(existence)s)."
            )
            % {"day": _day(visited_on), "place": place.name, "existence": existence},
            code="outside_place",
            field="visited_on",
        )
    if status == Visit.Status.DONE and visited_on > timezone.localdate():
        raise CustodyError(
            _(
                "Date : une visite effectuée ne peut être dans le futur ; indiquez le jour où "
                "elle a eu lieu, ou laissez-la programmée."
            ),
            code="done_in_future",
            field="visited_on",
        )


# --- the instrument -------------------------------------------------------------------------


def visit_answers_save(
    *,
    visit: Visit,
    answers: Sequence[tuple[InstrumentItem, str, str]],
    register_examined: int | None,
    register_over_limit: int | None,
    by: User | None,
) -> list[ItemAnswer]:
    """Replace the visit's answers to the instrument and the register's counts, in one
    transaction: every answer is checked before any is written. ``by`` is the user who saves
    (the journal records them with each change). Raises CustodyError (see the module's
    docstring)."""
    if visit.status == Visit.Status.CANCELLED:
        raise CustodyError(
            _("Cette visite a été annulée : sa grille ne peut être remplie."),
            code="visit_cancelled",
        )
    _check_answers(answers)
    _check_register(register_examined, register_over_limit)
    with transaction.atomic():
        Visit.objects.select_for_update().filter(pk=visit.pk).first()
        # In place, so that the journal says what changed: an answer changed is an update of
        # its row, an answer unchanged writes nothing, an item no longer answered is deleted.
        existing = {answer.item_id: answer for answer in ItemAnswer.objects.filter(visit=visit)}
        saved = []
        for item, value, note in answers:
            note = (note or "").strip()
            answer = existing.pop(item.pk, None)
            if answer is None:
                answer = ItemAnswer.objects.create(visit=visit, item=item, value=value, note=note)
            elif (answer.value, answer.note) != (value, note):
                answer.value, answer.note = value, note
                answer.save(update_fields=["value", "note", "updated_at"])
            saved.append(answer)
        for answer in existing.values():
            answer.delete()
        visit.register_examined = register_examined
        visit.register_over_limit = register_over_limit
        visit.full_clean()
        visit.save(update_fields=["register_examined", "register_over_limit", "updated_at"])
    return saved


def _check_answers(answers: Sequence[tuple[InstrumentItem, str, str]]) -> None:
    active = set(InstrumentItem.objects.filter(active=True).values_list("pk", flat=True))
    seen: set[int] = set()
    for item, value, _note in answers:
        if item.pk in seen:
            raise CustodyError(
                _("Le point « %(item)s » est répondu deux fois : une seule réponse par point.")
                % {"item": item.text},
                code="item_twice",
            )
        seen.add(item.pk)
        if item.pk not in active:
            raise CustodyError(
                _("Le point « %(item)s » n’est pas en usage dans la grille de visite.")
                % {"item": item.text},
                code="item_unknown",
            )
        if value not in Answer.values:
            raise CustodyError(
                _("Point « %(item)s » : répondez oui, en partie, non ou non vu.")
                % {"item": item.text},
                code="answer_invalid",
            )


def _check_register(examined: int | None, over_limit: int | None) -> None:
    for name, value in (("register_examined", examined), ("register_over_limit", over_limit)):
        if value is not None and value < 0:
            raise CustodyError(_("Ce nombre ne peut être négatif."), code="negative", field=name)
    if over_limit is not None and examined is None:
        raise CustodyError(
            _(
                "Inscriptions au-delà du délai légal : indiquez d’abord combien d’inscriptions "
                "du registre ont été examinées."
            ),
            code="over_limit_without_examined",
            field="register_examined",
        )
    if over_limit is not None and examined is not None and over_limit > examined:
        raise CustodyError(
            _(
                "Inscriptions au-delà du délai légal : %(over)s, c’est plus que les %(examined)s "
                "inscriptions examinées."
            )
            % {"over": over_limit, "examined": examined},
            code="over_limit_above_examined",
            field="register_over_limit",
        )


# --- photos ---------------------------------------------------------------------------------


def visit_photo_add(
    *, visit: Visit, image: File, caption: str, places_only: bool, by: User | None
) -> VisitPhoto:
    """Store a photo of the place, re-encoded without metadata. Raises CustodyError (see the
    module's docstring); the file is deleted if the record cannot be saved."""
    caption = caption.strip()
    if not caption:
        raise CustodyError(
            _("Légende : dites ce que montre la photo."), code="caption_missing", field="caption"
        )
    if not places_only:
        raise CustodyError(
            _(
                "Une photo de visite montre les lieux, jamais une personne : cochez « La photo "
                "montre les lieux et aucune personne » si c’est le cas, sinon ne la versez pas."
            ),
            code="people_not_excluded",
            field="places_only",
        )
    try:
        processed = image_upload_process(image)
    except PhotoError as error:
        raise CustodyError(str(error), code=error.code, field="image") from None
    photo = VisitPhoto(visit=visit, caption=caption, uploaded_by=by)
    written = ""
    try:
        with transaction.atomic():
            photo.image.save("photo.jpg", ContentFile(processed.display), save=False)
            written = photo.image.name
            photo.full_clean()
            photo.save()
    except BaseException:
        if written:
            _file_delete(written)
        raise
    return photo


def visit_photo_delete(*, photo: VisitPhoto) -> None:
    """Delete the photo and, once the deletion is committed, its file."""
    name = photo.image.name
    with transaction.atomic():
        photo.delete()
        if name:
            transaction.on_commit(lambda: _file_delete(name))


def _file_delete(name: str) -> None:
    VisitPhoto._meta.get_field("image").storage.delete(name)
