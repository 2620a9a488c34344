"""Press releases (communiqués) about a session or a whole workshop, in French or in English.

A release is first *drafted* from the data: the templates ``reports/press/session_<lang>.txt``
and ``reports/press/workshop_<lang>.txt`` write it over the figures of
``kalan.reports.figures.participation`` and the workshop, its objectives, its plan axis, its
funders and the institution's mandate. The communication cell then edits the title, the text and
the signature in the browser; what it saved is what the Word and PDF exports print
(``kalan.reports.press_files``). Drafting again from the data replaces the title and the text.

Each language has its own template, so that the English draft is English prose and not the French
one translated sentence by sentence. What people typed (the workshop's title and objectives, the
axis, the funders' names) the English draft takes from the records' English fields; where one is
empty it quotes the French, and ``press_english_missing`` lists those for the editor's page. The
mandate has no English field: it is quoted in French, for the communication cell to translate.

The services raise ``PressError``:

- ``language_unknown``: neither ``fr`` nor ``en``;
- ``photo_elsewhere``: the chosen photo belongs to another session (or workshop);
- ``invalid``: a value the model refuses (a title too long…), with the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kalan.core.errors import KalanError
from kalan.core.formats import fr
from kalan.core.models import Organisation, Partner, User
from kalan.reports.figures import Scope, participation
from kalan.reports.models import Language, Photo, PressRelease
from kalan.workshops.models import Objective, Session, Workshop

TITLE_MAX = PressRelease._meta.get_field("title").max_length or 300
# A sentence that starts with an infinitive (« Renforcer… », « Promouvoir… », « Former… ») can
# follow « visait à » or « de »; any other is quoted instead.
_INFINITIVE = re.compile(r"^\S+(er|ir|re|oir)\b", re.IGNORECASE)
# A typewriter apostrophe after a letter (« l'atelier », typed in a record or in the editor).
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'")
# The group ``figures.py`` gives the persons without a corps (or a unit).
NO_GROUP = "—"


class PressError(KalanError):
    pass


@dataclass(frozen=True)
class PressSubject:
    """What a release is about: one session, or a whole workshop (``session`` None)."""

    workshop: Workshop
    session: Session | None = None

    @classmethod
    def of_session(cls, session: Session) -> PressSubject:
        return cls(workshop=session.workshop, session=session)

    @classmethod
    def of_workshop(cls, workshop: Workshop) -> PressSubject:
        return cls(workshop=workshop)

    @property
    def scope(self) -> Scope:
        if self.session is not None:
            return Scope(session_id=self.session.pk)
        return Scope(workshop_id=self.workshop.pk)

    def releases(self) -> QuerySet[PressRelease]:
        if self.session is not None:
            return PressRelease.objects.filter(session=self.session)
        return PressRelease.objects.filter(workshop=self.workshop, session__isnull=True)

    def photos(self) -> QuerySet[Photo]:
        """The photos a release may print: the session's, or those of the workshop's sessions."""
        if self.session is not None:
            photos = Photo.objects.filter(session=self.session)
        else:
            photos = Photo.objects.filter(session__workshop=self.workshop)
        return photos.select_related("session").order_by(
            "session__start_date", "session__number", "-is_family", "order", "pk"
        )

    def family_photo(self) -> Photo | None:
        return self.photos().filter(is_family=True).first()


@dataclass(frozen=True)
class PressDraft:
    title: str
    body: str


def _language_check(language: str) -> None:
    if language not in Language.values:
        raise PressError(
            _("Langue inconnue : %(language)s.") % {"language": language}, code="language_unknown"
        )


def _starts_with_a_verb(text: str) -> bool:
    """Whether a sentence of the data can follow « à » or « de » (« Renforcer les capacités… »)."""
    return bool(_INFINITIVE.match(text.strip()))


def _organisation(workshop: Workshop) -> Organisation | None:
    return workshop.axis.plan.organisation


def press_typeset(text: str, *, language: str) -> str:
    """A release's text as printed: in French, French typography (no-break spaces before
    « : ; ! ? » and inside « ») and the typographic apostrophe (« l’atelier »); English as is."""
    if language != Language.FRENCH:
        return text
    return fr(_STRAIGHT_APOSTROPHE.sub("’", text))


@dataclass(frozen=True)
class Missing:
    """An English field left empty, for which an English release quotes the French: ``kind`` and
    ``pk`` say which record to complete (``workshop``, ``axis`` or ``partner``)."""

    message: str
    kind: str
    pk: int


@dataclass(frozen=True)
class Wording:
    """What people typed that a release quotes, in the release's language."""

    workshop_title: str
    general_objective: str
    objectives: list[str]
    axis_title: str
    axis_description: str
    funders: list[str]  # French: the full names (« de la Mission… »); English: acronym first
    missing: list[Missing]


def _funders(workshop: Workshop) -> list[Partner]:
    fundings = workshop.fundings.select_related("partner").order_by("-amount", "partner__name")
    return [f.partner for f in fundings]


class _English:
    """Picks each record's English text, noting in ``missing`` where the French stands in."""

    def __init__(self) -> None:
        self.missing: list[Missing] = []

    def pick(self, english: str, french: str, *, kind: str, pk: int, message: str) -> str:
        if english or not french:
            return english
        self.missing.append(Missing(message=message, kind=kind, pk=pk))
        return french


def _wording_english(
    workshop: Workshop, objectives: list[Objective], funders: list[Partner]
) -> Wording:
    english, axis, pk = _English(), workshop.axis, workshop.pk
    untranslated = [str(o.order) for o in objectives if o.text and not o.text_en]
    if untranslated:
        english.missing.append(
            Missing(
                message=_(
                    "Objectifs spécifiques sans texte anglais (n° %(numbers)s) : le texte "
                    "français est utilisé."
                )
                % {"numbers": ", ".join(untranslated)},
                kind="workshop",
                pk=pk,
            )
        )
    return Wording(
        workshop_title=english.pick(
            workshop.title_en,
            workshop.title,
            kind="workshop",
            pk=pk,
            message=_("Intitulé anglais de l’atelier manquant : l’intitulé français est utilisé."),
        ),
        general_objective=english.pick(
            workshop.general_objective_en,
            workshop.general_objective,
            kind="workshop",
            pk=pk,
            message=_("Objectif général en anglais manquant : le texte français est utilisé."),
        ),
        objectives=[o.text_en or o.text for o in objectives],
        axis_title=english.pick(
            axis.title_en,
            axis.title,
            kind="axis",
            pk=axis.pk,
            message=_(
                "Intitulé anglais de l’axe %(number)s manquant : l’intitulé français est utilisé."
            )
            % {"number": axis.number},
        ),
        axis_description=english.pick(
            axis.description_en,
            axis.description,
            kind="axis",
            pk=axis.pk,
            message=_(
                "Description anglaise de l’axe %(number)s manquante : la description française "
                "est utilisée."
            )
            % {"number": axis.number},
        ),
        funders=[
            english.pick(
                partner.acronym_en or partner.name_en,
                partner.acronym or partner.name,
                kind="partner",
                pk=partner.pk,
                message=_(
                    "Nom anglais du partenaire %(partner)s manquant : le nom français est utilisé."
                )
                % {"partner": partner.acronym or partner.name},
            )
            for partner in funders
        ],
        missing=english.missing,
    )


def press_wording(*, workshop: Workshop, language: str) -> Wording:
    """The workshop's, its axis's and its funders' words in ``language``: in English, each
    record's English field, or the French one where it is empty (listed in ``missing``)."""
    objectives = list(workshop.objectives.order_by("order"))
    funders = _funders(workshop)
    if language == Language.ENGLISH:
        return _wording_english(workshop, objectives, funders)
    return Wording(
        workshop_title=workshop.title,
        general_objective=workshop.general_objective,
        objectives=[o.text for o in objectives],
        axis_title=workshop.axis.title,
        axis_description=workshop.axis.description,
        funders=[partner.name for partner in funders],
        missing=[],
    )


def press_english_missing(*, subject: PressSubject) -> list[Missing]:
    """The English fields an English release of ``subject`` lacks, with the record to complete."""
    workshop = Workshop.objects.select_related("axis").get(pk=subject.workshop.pk)
    return press_wording(workshop=workshop, language=Language.ENGLISH).missing


def press_context(
    *, subject: PressSubject, language: str = Language.FRENCH, today: dt.date | None = None
) -> dict[str, Any]:
    """What the draft templates are given. Every number in it is a figure of ``figures.py``."""
    today = today or timezone.localdate()
    workshop = Workshop.objects.select_related("axis__plan__organisation").get(
        pk=subject.workshop.pk
    )
    axis = workshop.axis
    wording = press_wording(workshop=workshop, language=language)
    figures = participation(scope=subject.scope, today=today)
    workshop_figures = (
        participation(scope=Scope(workshop_id=workshop.pk), today=today)
        if subject.session is not None
        else figures
    )
    sessions = list(
        Session.objects.filter(workshop=workshop)
        .select_related("place__parent__parent")
        .order_by("start_date", "number")
    )
    session = next((s for s in sessions if subject.session and s.pk == subject.session.pk), None)
    if session is not None:
        held = session.start_date <= today
    else:
        held = bool(sessions) and figures.sessions_planned == 0
    return {
        "organisation": _organisation(workshop),
        "workshop": workshop,
        "axis": axis,
        "plan": axis.plan,
        "session": session,
        "region": session.place.region if session is not None else None,
        "sessions": [(s, s.place.region) for s in sessions],
        "held": held,
        "all_held": workshop_figures.sessions_planned == 0,
        "figures": figures,
        "workshop_figures": workshop_figures,
        # Persons with no corps, or no unit, are counted in the total but in no group; those
        # without a corps are counted apart, so that « Tous appartiennent… » is said only when
        # it is true.
        "corps": [t for t in figures.by_corps if t.label != NO_GROUP],
        "corps_unknown": sum(t.value for t in figures.by_corps if t.label == NO_GROUP),
        "regions": [t for t in figures.by_unit_region if t.label != NO_GROUP],
        "workshop_title": wording.workshop_title,
        "general_objective": wording.general_objective,
        "objectives": wording.objectives,
        "axis_title": wording.axis_title,
        "axis_description": wording.axis_description,
        "funders": wording.funders,
        "objectives_are_verbs": all(_starts_with_a_verb(o) for o in wording.objectives),
        "general_is_verb": _starts_with_a_verb(wording.general_objective),
        "axis_is_verb": _starts_with_a_verb(wording.axis_description),
    }


def _paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; other line breaks and runs of spaces are one space."""
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


def _shorten(title: str) -> str:
    if len(title) <= TITLE_MAX:
        return title
    return title[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"


def press_draft(
    *, subject: PressSubject, language: str, today: dt.date | None = None
) -> PressDraft:
    """A release's title and text, written from the data in ``language``.

    The template's first paragraph is the title. French text gets French typography
    (``press_typeset``). Raises PressError ``language_unknown``.
    """
    _language_check(language)
    context = press_context(subject=subject, language=language, today=today)
    kind = "session" if subject.session is not None else "workshop"
    with translation.override(language):
        text = render_to_string(f"reports/press/{kind}_{language}.txt", context)
    title, *body = (press_typeset(p, language=language) for p in _paragraphs(text))
    return PressDraft(title=_shorten(title), body="\n\n".join(body))


def press_signature_default(*, organisation: Organisation | None, language: str) -> str:
    """« Cellule de Communication/CNDH », as the CNDH signs its articles."""
    name = (organisation.acronym or organisation.name) if organisation else ""
    with translation.override(language):
        unit = _("Cellule de Communication")
    return f"{unit}/{name}" if name else unit


def press_release_get(*, subject: PressSubject, language: str) -> PressRelease | None:
    """The release saved for this subject and language, if any."""
    _language_check(language)
    return subject.releases().filter(language=language).select_related("photo").first()


def press_release_current(
    *, subject: PressSubject, language: str, today: dt.date | None = None
) -> PressRelease:
    """The saved release, or, before anyone saved one, a fresh draft (not saved) to start from.

    An unsaved draft prints the family photo and the default signature.
    """
    release = press_release_get(subject=subject, language=language)
    if release is not None:
        return release
    draft = press_draft(subject=subject, language=language, today=today)
    return PressRelease(
        session=subject.session,
        workshop=None if subject.session is not None else subject.workshop,
        language=language,
        title=draft.title,
        body=draft.body,
        photo=subject.family_photo(),
        signature=press_signature_default(
            organisation=_organisation(subject.workshop), language=language
        ),
        drafted_at=timezone.now(),
    )


def _full_clean(release: PressRelease) -> None:
    try:
        release.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise PressError(
            messages[0], code="invalid", field=None if field == NON_FIELD_ERRORS else field
        ) from None


def _locked_or_new(*, subject: PressSubject, language: str) -> PressRelease:
    # Lock the subject's row, so that two first saves at once make one release, not two.
    if subject.session is not None:
        Session.objects.select_for_update().filter(pk=subject.session.pk).first()
    else:
        Workshop.objects.select_for_update().filter(pk=subject.workshop.pk).first()
    release = subject.releases().filter(language=language).first()
    if release is None:
        release = PressRelease(
            session=subject.session,
            workshop=None if subject.session is not None else subject.workshop,
            language=language,
            drafted_at=timezone.now(),
        )
    return release


def press_release_save(
    *,
    subject: PressSubject,
    language: str,
    title: str,
    body: str,
    signature: str,
    photo: Photo | None,
    by: User | None,
) -> PressRelease:
    """Save what the communication cell wrote (creating the release on its first save).

    Raises PressError ``language_unknown``, ``photo_elsewhere`` or ``invalid``.
    """
    _language_check(language)
    if photo is not None and not subject.photos().filter(pk=photo.pk).exists():
        raise PressError(
            _("Cette photo n’est pas une photo de cette session."),
            code="photo_elsewhere",
            field="photo",
        )
    with transaction.atomic():
        release = _locked_or_new(subject=subject, language=language)
        release.title = " ".join(title.split())
        # Windows browsers send \r\n: keep the text's paragraphs, not its line endings.
        release.body = body.replace("\r\n", "\n").strip()
        release.signature = signature.strip()
        release.photo = photo
        release.updated_by = by
        _full_clean(release)
        release.save()
    return release


def press_release_redraft(
    *, subject: PressSubject, language: str, by: User | None, today: dt.date | None = None
) -> PressRelease:
    """Replace the title and the text with a new draft from the data (the edits are lost).

    The photo and the signature stay as chosen; a release without a photo gets the family photo.
    Raises PressError ``language_unknown``.
    """
    draft = press_draft(subject=subject, language=language, today=today)
    with transaction.atomic():
        release = _locked_or_new(subject=subject, language=language)
        if release.pk is None:
            release.signature = press_signature_default(
                organisation=_organisation(subject.workshop), language=language
            )
        release.title, release.body = draft.title, draft.body
        release.drafted_at = timezone.now()
        if release.photo is None:
            release.photo = subject.family_photo()
        release.updated_by = by
        _full_clean(release)
        release.save()
    return release


def press_photo_caption(*, photo: Photo, language: str) -> str:
    """The caption in the release's language; « Photo de famille » for an uncaptioned one."""
    caption = photo.caption_en if language == Language.ENGLISH else photo.caption
    if not caption and photo.is_family:
        with translation.override(language):
            caption = _("Photo de famille")
    return caption


def press_paragraphs(body: str) -> list[str]:
    """The paragraphs of an edited text as the exports print them: one per non-empty line."""
    return [line.strip() for line in body.splitlines() if line.strip()]
