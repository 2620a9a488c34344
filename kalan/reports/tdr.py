"""Terms of reference (« termes de référence », TDR) of a workshop, in French or in English,
versioned.

A TDR is first *drafted* from the data: the templates ``reports/tdr/draft_<lang>.txt`` write
each section (``SECTIONS``) over the workshop, its plan axis, the institution's mandate, its
objectives and targets, its sessions (places, dates, capacity, days), the participants enrolled
by corps, the curriculum modules linked to its objectives, the facilitators (enrolled as such, or
the trainers assigned to a session), the planned budget (``kalan.reports.figures_finance``) and
its funders. The programme officer then edits each section in the browser; what was saved is
what the Word and PDF files print (``kalan.reports.tdr_files``).

Versions: a workshop has, per language, versions 1, 2… Each is a *draft* until it is marked
*sent* to a partner (``tdr_send``): its text is then kept as it was, with the Word and PDF files
printed at that moment, and never changes again. The next save starts a new version from the
text last sent. At most one draft per workshop and language.

In a section's text a line is a paragraph; a line that starts with « - » is an item of a list.

The services raise ``TdrError``:

- ``language_unknown``: neither ``fr`` nor ``en``;
- ``title_required``: the title left empty;
- ``not_saved``: marking sent a TDR nobody saved;
- ``sent_on_future``: a sending date after today;
- ``partner_required``: marking sent without saying to whom.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalan.assessments.models import Module
from kalan.core.errors import KalanError
from kalan.core.formats import date_long, date_range, money
from kalan.core.models import Organisation, Partner, User
from kalan.reports.figures_finance import budget_summary_total, workshop_budget_summary
from kalan.reports.models import Language, Target, TermsOfReference
from kalan.reports.press import press_typeset, press_wording
from kalan.reports.tdr_files import tdr_docx, tdr_pdf
from kalan.workshops.models import Enrollment, Session, Workshop

# A line ``@@ key`` starts a section in the draft templates.
_MARKER = re.compile(r"^@@ (\w+)\s*$", re.MULTILINE)


class TdrError(KalanError):
    pass


@dataclass(frozen=True)
class Section:
    key: str
    label: Any  # the form's label (French first, through gettext)
    rows: int  # the height of its text box


SECTIONS: tuple[Section, ...] = (
    Section("title", gettext_lazy("Titre"), 2),
    Section("context", gettext_lazy("Contexte et justification"), 10),
    Section("general_objective", gettext_lazy("Objectif général"), 3),
    Section("specific_objectives", gettext_lazy("Objectifs spécifiques"), 6),
    Section("results", gettext_lazy("Résultats attendus"), 6),
    Section("audience", gettext_lazy("Public cible et effectifs"), 6),
    Section("methodology", gettext_lazy("Méthodologie et modules"), 8),
    Section("agenda", gettext_lazy("Programme (agenda)"), 8),
    Section("sessions", gettext_lazy("Sessions : lieux et dates"), 4),
    Section("facilitators", gettext_lazy("Facilitateurs"), 4),
    Section("budget", gettext_lazy("Budget prévisionnel"), 8),
    Section("funders", gettext_lazy("Financement"), 3),
)
SECTION_KEYS = tuple(section.key for section in SECTIONS)


def _language_check(language: str) -> None:
    if language not in Language.values:
        raise TdrError(
            _("Langue inconnue : %(language)s.") % {"language": language}, code="language_unknown"
        )


# --- what the draft is written from -------------------------------------------------------------


@dataclass(frozen=True)
class SessionLine:
    session: Session
    region: str
    dates: str  # « 8-10 novembre 2022 »
    days: list[str]  # « mardi 8 novembre 2022 »…


@dataclass(frozen=True)
class Count:
    label: str
    value: int


def _sessions(workshop: Workshop, language: str) -> list[SessionLine]:
    sessions = (
        Session.objects.filter(workshop=workshop)
        .select_related("place__parent__parent")
        .order_by("start_date", "number")
    )
    lines = []
    for session in sessions:
        region = session.place.region
        lines.append(
            SessionLine(
                session=session,
                region=region.name if region is not None and region != session.place else "",
                dates=date_range(session.start_date, session.end_date, language),
                days=[date_long(day, language) for day in session.days],
            )
        )
    return lines


def _enrolled_by_corps(workshop: Workshop, language: str) -> list[Count]:
    """The participants enrolled so far (not withdrawn), by corps, largest first."""
    rows = (
        Enrollment.objects.filter(
            session__workshop=workshop,
            role=Enrollment.Role.PARTICIPANT,
            superseded_by__isnull=True,
        )
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .values_list("person__corps__name", "person__corps__name_en")
    )
    counts: Counter[str] = Counter()
    for name, name_en in rows:
        label = (name_en or name) if language == Language.ENGLISH else name
        counts[label or "—"] += 1
    return [Count(label, value) for label, value in sorted(counts.items(), key=lambda c: -c[1])]


def _modules(workshop: Workshop, language: str) -> list[str]:
    modules = (
        Module.objects.filter(objective__workshop_objectives__workshop=workshop)
        .distinct()
        .order_by("order", "code")
    )
    return [(m.title_en or m.title) if language == Language.ENGLISH else m.title for m in modules]


def _facilitators(workshop: Workshop) -> list[str]:
    """Those enrolled as facilitators, then the trainers assigned to a session, each once."""
    names: list[str] = []
    enrolled = (
        Enrollment.objects.filter(
            session__workshop=workshop,
            role=Enrollment.Role.FACILITATOR,
            superseded_by__isnull=True,
        )
        .select_related("person")
        .order_by("person__sort_last", "person__sort_first")
    )
    for enrollment in enrolled:
        person = enrollment.person
        name = f"{person.first_names} {person.last_name}".strip()
        if name not in names:  # enrolled in each session: named once
            names.append(name)
    trainers = User.objects.filter(assigned_sessions__workshop=workshop).distinct()
    for trainer in trainers.order_by("last_name", "first_name"):
        name = trainer.get_full_name() or trainer.username
        if name not in names:
            names.append(name)
    return names


def _targets(workshop: Workshop, language: str) -> list[Count]:
    with translation.override(language):
        return [
            Count(str(target.get_indicator_display()), round(target.value))
            for target in Target.objects.filter(workshop=workshop).order_by("indicator")
        ]


def _fundings(workshop: Workshop, language: str, currency: str) -> list[tuple[str, str]]:
    fundings = workshop.fundings.select_related("partner").order_by("-amount", "partner__name")
    out = []
    for funding in fundings:
        partner = funding.partner
        english = language == Language.ENGLISH
        name = (partner.name_en or partner.name) if english else partner.name
        out.append((name, money(funding.amount, currency, lang=language)))
    return out


def tdr_context(*, workshop: Workshop, language: str) -> dict[str, Any]:
    """What the draft templates are given."""
    workshop = Workshop.objects.select_related("axis__plan__organisation").get(pk=workshop.pk)
    organisation: Organisation | None = workshop.axis.plan.organisation
    currency = organisation.currency if organisation is not None else "XOF"
    wording = press_wording(workshop=workshop, language=language)
    sessions = _sessions(workshop, language)
    with translation.override(language):
        budget = workshop_budget_summary(workshop=workshop, language=language)
    enrolled = _enrolled_by_corps(workshop, language)
    return {
        "organisation": organisation,
        "workshop": workshop,
        "axis": workshop.axis,
        "plan": workshop.axis.plan,
        "wording": wording,
        "sessions": sessions,
        "capacity": sum(line.session.capacity for line in sessions),
        "enrolled": enrolled,
        "enrolled_total": sum(count.value for count in enrolled),
        "modules": _modules(workshop, language),
        "facilitators": _facilitators(workshop),
        "targets": _targets(workshop, language),
        "budget": [
            (line.label, line.funder, money(line.planned, currency, lang=language))
            for line in budget
        ],
        "budget_total": money(budget_summary_total(budget), currency, lang=language)
        if budget
        else "",
        "fundings": _fundings(workshop, language, currency),
    }


def _clean(text: str) -> str:
    """A section as the template left it: no trailing spaces, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def tdr_draft(*, workshop: Workshop, language: str) -> dict[str, str]:
    """Every section's text, written from the data in ``language`` (French gets French
    typography). Raises TdrError ``language_unknown``."""
    _language_check(language)
    context = tdr_context(workshop=workshop, language=language)
    with translation.override(language):
        text = render_to_string(f"reports/tdr/draft_{language}.txt", context)
    parts = _MARKER.split(text)
    found = dict(zip(parts[1::2], parts[2::2], strict=True))
    return {
        key: press_typeset(_clean(found.get(key, "")), language=language) for key in SECTION_KEYS
    }


# --- versions -----------------------------------------------------------------------------------


def tdr_versions(*, workshop: Workshop, language: str) -> QuerySet[TermsOfReference]:
    """The workshop's versions in ``language``, the newest first, with who saved and sent them."""
    _language_check(language)
    return (
        TermsOfReference.objects.filter(workshop=workshop, language=language)
        .select_related("updated_by", "sent_by", "sent_to")
        .order_by("-version")
    )


def _next_version(workshop: Workshop, language: str) -> int:
    last = TermsOfReference.objects.filter(workshop=workshop, language=language).aggregate(
        last=Max("version")
    )["last"]
    return (last or 0) + 1


def tdr_current(*, workshop: Workshop, language: str) -> TermsOfReference:
    """The draft being edited; before anyone saved one, a new version (not saved) to start from:
    the text last sent, or a draft from the data when nothing was sent yet."""
    _language_check(language)
    versions = tdr_versions(workshop=workshop, language=language)
    draft = versions.filter(status=TermsOfReference.Status.DRAFT).first()
    if draft is not None:
        return draft
    last_sent = versions.filter(status=TermsOfReference.Status.SENT).first()
    sections = (
        dict(last_sent.sections)
        if last_sent is not None
        else tdr_draft(workshop=workshop, language=language)
    )
    return TermsOfReference(
        workshop=workshop,
        language=language,
        version=_next_version(workshop, language),
        sections=sections,
        drafted_at=last_sent.drafted_at if last_sent is not None else timezone.now(),
    )


def _locked_draft(*, workshop: Workshop, language: str) -> TermsOfReference:
    # Lock the workshop's row: two first saves at once make one draft, not two versions.
    Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
    draft = (
        TermsOfReference.objects.select_for_update()
        .filter(workshop=workshop, language=language, status=TermsOfReference.Status.DRAFT)
        .first()
    )
    if draft is not None:
        return draft
    current = tdr_current(workshop=workshop, language=language)
    return current


def _normalised(sections: dict[str, str]) -> dict[str, str]:
    # Windows browsers send \r\n: keep the text's lines, not its line endings.
    out = {key: str(sections.get(key, "")).replace("\r\n", "\n").strip() for key in SECTION_KEYS}
    out["title"] = " ".join(out["title"].split())
    if not out["title"]:
        raise TdrError(_("Le titre est obligatoire."), code="title_required", field="title")
    return out


def tdr_save(
    *, workshop: Workshop, language: str, sections: dict[str, str], by: User | None
) -> TermsOfReference:
    """Save the sections of the draft (creating the next version when none is open: after a
    version was sent, this is how version 2 begins). A sent version is never touched.

    Raises TdrError ``language_unknown`` or ``title_required``.
    """
    _language_check(language)
    text = _normalised(sections)
    with transaction.atomic():
        draft = _locked_draft(workshop=workshop, language=language)
        draft.sections = text
        draft.updated_by = by
        draft.full_clean()
        draft.save()
    return draft


def tdr_redraft(*, workshop: Workshop, language: str, by: User | None) -> TermsOfReference:
    """Replace the draft's text with a new draft from the data (the edits are lost; the versions
    sent keep theirs). Raises TdrError ``language_unknown``."""
    sections = tdr_draft(workshop=workshop, language=language)
    with transaction.atomic():
        draft = _locked_draft(workshop=workshop, language=language)
        draft.sections = sections
        draft.drafted_at = timezone.now()
        draft.updated_by = by
        draft.full_clean()
        draft.save()
    return draft


def tdr_file_stem(tdr: TermsOfReference) -> str:
    return f"tdr-atelier-{tdr.workshop_id}-v{tdr.version}-{tdr.language}"


def tdr_send(
    *,
    workshop: Workshop,
    language: str,
    partner: Partner | None,
    sent_on: dt.date,
    by: User | None,
    today: dt.date | None = None,
) -> TermsOfReference:
    """Mark the saved draft as sent to ``partner`` on ``sent_on``: its Word and PDF files are
    printed now and kept with it, and it never changes again.

    Raises TdrError ``language_unknown``, ``partner_required``, ``sent_on_future`` or
    ``not_saved``.
    """
    _language_check(language)
    today = today or timezone.localdate()
    if partner is None:
        raise TdrError(
            _("Choisissez le partenaire à qui les termes de référence ont été envoyés."),
            code="partner_required",
            field="sent_to",
        )
    if sent_on > today:
        raise TdrError(
            _("La date d’envoi ne peut pas être postérieure à aujourd’hui."),
            code="sent_on_future",
            field="sent_on",
        )
    with transaction.atomic():
        Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
        draft = (
            TermsOfReference.objects.select_for_update()
            .filter(workshop=workshop, language=language, status=TermsOfReference.Status.DRAFT)
            .first()
        )
        if draft is None:
            raise TdrError(
                _("Enregistrez d’abord les termes de référence : il n’y a rien à envoyer."),
                code="not_saved",
            )
        draft.status = TermsOfReference.Status.SENT
        draft.sent_on, draft.sent_to, draft.sent_by = sent_on, partner, by
        stem = tdr_file_stem(draft)
        draft.docx_file.save(f"{stem}.docx", ContentFile(tdr_docx(tdr=draft)), save=False)
        draft.pdf_file.save(f"{stem}.pdf", ContentFile(tdr_pdf(tdr=draft)), save=False)
        draft.full_clean()
        draft.save()
    return draft


def tdr_sent_file(*, tdr: TermsOfReference, fmt: str) -> bytes:
    """The file of a sent version, exactly as it was printed when it was sent."""
    field = tdr.docx_file if fmt == "docx" else tdr.pdf_file
    with field.open("rb") as handle:
        return handle.read()
