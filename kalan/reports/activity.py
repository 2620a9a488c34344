"""The activity report of a workshop (rapport d’activité), in French or English, DOCX and PDF.

What the programme tells its institution about a workshop once its sessions are over: context
and objectives, the sessions, who was trained (by sex, corps, rank group and region), attendance,
what was learned (pre/post tests by objective), satisfaction, facilitators, budget, photos, the
observations and recommendations people write (``ActivityReport``), and what the trained
officers did afterwards as relays (``figures_followup``: commitments, rounds, restitutions,
persons reached as two bounds, practices), and what the custody visits found in the units where
they serve against the others, by theme (``figures_custody``: aggregates, no unit named).

Every figure is read from ``kalan.reports.figures``, the same functions the donor report, the
dashboard and the press release use; this module only puts them into words. It is an internal
report: the facilitators are named; participants never are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kalan.assessments.models import CurriculumObjective
from kalan.assessments.selectors import (
    HAKE_GAIN,
    HAKE_GAIN_DEFINITION,
    INDIVIDUAL_GAIN,
    INDIVIDUAL_GAIN_DEFINITION,
)
from kalan.core.formats import date_range, days, money, number, percent
from kalan.core.models import Organisation
from kalan.core.selectors import organisation_current
from kalan.reports import charts, figures, figures_custody, figures_followup
from kalan.reports.compose import (
    Bullets,
    Facts,
    Heading,
    Para,
    Picture,
    Report,
    Table,
    Title,
    docx_render,
    pdf_render,
)
from kalan.reports.evidence_text import evidence_blocks
from kalan.reports.models import ActivityReport, Photo
from kalan.workshops.models import Enrollment, Session, Workshop

Format = Literal["docx", "pdf"]
LANGUAGES = ("fr", "en")
MAX_PHOTOS = 12


@dataclass(frozen=True)
class FacilitatorLine:
    name: str
    sessions: list[str]  # "Sévaré (session 1)"


@dataclass
class ActivityFacts:
    """What the report says, read once: figures from ``figures``, words from the models."""

    workshop: Workshop
    language: str
    organisation: Organisation | None
    currency: str
    sessions: list[Session]
    participation: figures.Participation
    per_session: dict[int, figures.Participation]
    learning: figures.Learning
    objective_texts: dict[str, str]
    satisfaction: figures.Satisfaction
    budget: figures.Budget
    followup: figures_followup.FollowUp
    custody: figures_custody.Evidence
    facilitators: list[FacilitatorLine]
    photos: list[Photo]
    written: ActivityReport | None
    notes: list[str] = field(default_factory=list)


def _place(session: Session) -> str:
    region = session.place.region
    if region is None or region.name == session.place.name:
        return session.place.name
    return f"{session.place.name} ({region.name})"


def activity_facts(*, workshop: Workshop, language: str) -> ActivityFacts:
    """Read what the report needs; call it inside ``translation.override(language)``: the
    labels of rank groups come translated from ``figures``."""
    scope = figures.Scope(workshop_id=workshop.pk)
    sessions = list(
        Session.objects.filter(workshop=workshop)
        .select_related("place__parent__parent")
        .order_by("start_date", "number")
    )
    learning = figures.learning(scope=scope)
    codes = [objective.code for objective in learning.by_objective]
    texts = {
        code: (text_en or text) if language == "en" else text
        for code, text, text_en in CurriculumObjective.objects.filter(code__in=codes).values_list(
            "code", "text", "text_en"
        )
    }
    places = {session.pk: _place(session) for session in sessions}
    facilitators: dict[int, tuple[str, list[str]]] = {}
    enrollments = (
        Enrollment.objects.filter(
            session__workshop=workshop,
            role=Enrollment.Role.FACILITATOR,
            superseded_by__isnull=True,
        )
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .select_related("person")
        .order_by("person__sort_last", "person__sort_first", "session__start_date")
    )
    for enrollment in enrollments:
        where = facilitators.setdefault(enrollment.person_id, (enrollment.person.full_name, []))[1]
        where.append(places.get(enrollment.session_id, ""))
    organisation = workshop.axis.plan.organisation or organisation_current()
    return ActivityFacts(
        workshop=Workshop.objects.select_related("axis__plan")
        .prefetch_related(
            "objectives", Prefetch("fundings", queryset=workshop.fundings.select_related("partner"))
        )
        .get(pk=workshop.pk),
        language=language,
        organisation=organisation,
        currency=organisation.currency if organisation else "XOF",
        sessions=sessions,
        participation=figures.participation(scope=scope),
        per_session=figures.participation_per(scope=scope, per="session"),
        learning=learning,
        objective_texts=texts,
        satisfaction=figures.satisfaction(scope=scope),
        budget=figures.budget(scope=scope),
        followup=figures_followup.followup(scope=scope),
        custody=figures_custody.evidence(scope=scope),
        facilitators=[
            FacilitatorLine(name=name, sessions=where) for name, where in facilitators.values()
        ],
        photos=list(
            Photo.objects.filter(session__workshop=workshop)
            .select_related("session__place")
            .order_by("-is_family", "session__start_date", "order", "created_at")[:MAX_PHOTOS]
        ),
        written=ActivityReport.objects.filter(workshop=workshop, language=language).first(),
    )


def activity_document(*, workshop: Workshop, language: str, fmt: Format) -> bytes:
    """The activity report as a Word or PDF file, written in ``language``."""
    with translation.override(language):
        facts = activity_facts(workshop=workshop, language=language)
        report = activity_report(facts=facts)
        if fmt == "docx":
            return docx_render(report, organisation=facts.organisation)
        return pdf_render(report, organisation=facts.organisation)


def activity_filename(*, workshop: Workshop, language: str, fmt: Format) -> str:
    return f"kalan-rapport-activite-{workshop.pk}-{language}.{fmt}"


# --- the report, section by section ------------------------------------------------------------


def activity_report(*, facts: ActivityFacts) -> Report:
    """The blocks of the report, in the active language."""
    workshop = facts.workshop
    report = Report(title=_("Rapport d’activité — %(title)s") % {"title": workshop.title})
    spans = [
        f"{session.place.name}, {date_range(session.start_date, session.end_date)}"
        for session in facts.sessions
    ]
    report.add(Title(_("Rapport d’activité"), [workshop.title, " · ".join(spans)]))
    _context(report, facts)
    _sessions(report, facts)
    _participants(report, facts)
    _learning(report, facts)
    _satisfaction(report, facts)
    _facilitators(report, facts)
    _budget(report, facts)
    _photos(report, facts)
    _observations(report, facts)
    report.add(Heading(_("10. Suivi des relais : ce que les personnes formées ont fait")))
    report.add(*followup_blocks(facts.followup))
    report.add(Heading(_("11. Garde à vue : ce que constatent les visites des unités")))
    report.add(*evidence_blocks(facts.custody))
    report.add(
        Heading(_("Définitions"), level=2),
        Para(definitions() + " " + figures_followup.followup_definitions(), small=True),
    )
    return report


def definitions() -> str:
    """The definitions a report prints at its end (those of ``figures``), each gain under its
    own name."""
    return " ".join(
        [
            _(
                "Une personne est formée par une session dès qu’elle y a été présente au moins "
                "une journée ou demi-journée ; les facilitateurs, organisateurs et observateurs "
                "ne sont jamais comptés. Une session est tenue dès qu’au moins un participant y "
                "a été marqué présent ; une session passée sans aucune présence enregistrée "
                "n’est pas comptée comme tenue. Les jours-personnes additionnent les journées "
                "de présence (une demi-journée compte pour moitié). Le taux de présence "
                "rapporte les jours-personnes aux jours offerts (participants inscrits, désistés "
                "exclus, multipliés par la durée de la session)."
            ),
            _("%(name)s : %(definition)s.")
            % {"name": HAKE_GAIN, "definition": HAKE_GAIN_DEFINITION},
            _("%(name)s : %(definition)s.")
            % {"name": INDIVIDUAL_GAIN, "definition": INDIVIDUAL_GAIN_DEFINITION},
            _("La région d’une personne est celle de son unité d’affectation."),
        ]
    )


def _context(report: Report, facts: ActivityFacts) -> None:
    workshop = facts.workshop
    funders = ", ".join(
        f"{funding.partner.name} ({money(funding.amount, facts.currency)})"
        for funding in workshop.fundings.all()
    )
    rows = [
        (_("Plan stratégique"), str(workshop.axis.plan)),
        (_("Axe"), str(workshop.axis)),
    ]
    if workshop.target_audience:
        rows.append((_("Public cible"), workshop.target_audience))
    rows.append((_("Partenaires financiers"), funders or "—"))
    report.add(Heading(_("1. Contexte et objectifs")), Facts(rows))
    if workshop.description:
        report.add(Para(workshop.description))
    report.add(Heading(_("Objectif général"), level=2), Para(workshop.general_objective))
    objectives = [objective.text for objective in workshop.objectives.all()]
    if objectives:
        report.add(Heading(_("Objectifs spécifiques"), level=2), Bullets(objectives, numbered=True))


def _sessions(report: Report, facts: ActivityFacts) -> None:
    rows = []
    for session in facts.sessions:
        figures_ = facts.per_session.get(session.pk, figures.Participation())
        rows.append(
            [
                str(session.number),
                _place(session),
                session.venue,
                date_range(session.start_date, session.end_date),
                number(figures_.participants),
                number(figures_.persons_trained),
                percent(figures_.attendance_rate),
            ]
        )
    total = facts.participation
    rows.append(
        [
            "",
            _("Total"),
            "",
            "",
            number(total.participants),
            number(total.persons_trained),
            percent(total.attendance_rate),
        ]
    )
    report.add(
        Heading(_("2. Les sessions")),
        Table(
            head=[
                _("N°"),
                _("Localité"),
                _("Lieu"),
                _("Dates"),
                _("Inscrits"),
                _("Formés"),
                _("Présence"),
            ],
            rows=rows,
            widths=[0.06, 0.2, 0.2, 0.2, 0.1, 0.1, 0.14],
            numeric=frozenset({4, 5, 6}),
            total=True,
        ),
    )


def breakdown_rows(tallies: list[figures.Tally]) -> list[list[str]]:
    return [
        [tally.label, number(tally.women), number(tally.men), number(tally.value)]
        for tally in tallies
    ]


def breakdown_table(label: str, tallies: list[figures.Tally]) -> Table:
    return Table(
        head=[label, _("Femmes"), _("Hommes"), _("Total")],
        rows=breakdown_rows(tallies) or [[_("Aucune"), "", "", ""]],
        widths=[0.52, 0.16, 0.16, 0.16],
        numeric=frozenset({1, 2, 3}),
    )


def corps_chart(participation: figures.Participation) -> Picture | None:
    if not participation.by_corps:
        return None
    return Picture(
        charts.bars_by_sex(
            title=_("Personnes formées par corps et par sexe"),
            labels=[tally.label for tally in participation.by_corps],
            women=[tally.women for tally in participation.by_corps],
            men=[tally.men for tally in participation.by_corps],
            women_label=_("Femmes"),
            men_label=_("Hommes"),
        ),
        width=0.85,
    )


def _participants(report: Report, facts: ActivityFacts) -> None:
    total = facts.participation
    report.add(
        Heading(_("3. Les participants")),
        Facts(
            [
                (_("Personnes formées"), number(total.persons_trained)),
                (_("Personnes distinctes"), number(total.distinct_persons)),
                (
                    _("Femmes"),
                    f"{number(total.women)} ({percent(total.women_share)})",
                ),
                (_("Hommes"), number(total.men)),
                (_("Jours-personnes"), days(total.person_days)),
                (
                    _("Taux de présence"),
                    _("%(rate)s (%(days)s jours-personnes sur %(offered)s offerts)")
                    % {
                        "rate": percent(total.attendance_rate),
                        "days": days(total.person_days),
                        "offered": days(total.days_offered),
                    },
                ),
            ]
        ),
    )
    chart = corps_chart(total)
    if chart:
        report.add(chart)
    report.add(
        Heading(_("Par corps"), level=2),
        breakdown_table(_("Corps"), total.by_corps),
        Heading(_("Par catégorie de grade"), level=2),
        breakdown_table(_("Catégorie"), total.by_rank_group),
        Heading(_("Par région d’affectation"), level=2),
        breakdown_table(_("Région"), total.by_unit_region),
    )


def objective_label(code: str, texts: dict[str, str]) -> str:
    text = texts.get(code, "")
    return f"{code} — {text}" if text else (code or _("Sans objectif"))


def _learning(report: Report, facts: ActivityFacts) -> None:
    learning = facts.learning
    report.add(Heading(_("4. Acquis : pré-test et post-test")))
    if not (learning.pre_copies or learning.post_copies):
        report.add(Para(_("Aucun pré-test ni post-test n’a été envoyé pour cet atelier.")))
        return
    report.add(
        Facts(
            [
                (_("Copies du pré-test"), number(learning.pre_copies)),
                (_("Copies du post-test"), number(learning.post_copies)),
                (_("Moyenne au pré-test"), percent(learning.pre_mean, scale=1)),
                (_("Moyenne au post-test"), percent(learning.post_mean, scale=1)),
                (_("Participants ayant passé les deux tests"), number(learning.paired)),
                (str(HAKE_GAIN), percent(learning.hake_gain)),
                (str(INDIVIDUAL_GAIN), percent(learning.mean_normalised_gain)),
                (_("Réussite au post-test"), percent(learning.post_pass_share)),
            ]
        )
    )
    if learning.by_objective:
        report.add(
            Picture(
                charts.bars_before_after(
                    title=_("Résultats par objectif (moyenne, en %)"),
                    labels=[line.code or "—" for line in learning.by_objective],
                    before=[line.pre_percent for line in learning.by_objective],
                    after=[line.post_percent for line in learning.by_objective],
                    before_label=_("Pré-test"),
                    after_label=_("Post-test"),
                ),
                width=0.85,
            ),
            Table(
                head=[_("Objectif"), _("Pré-test"), _("Post-test"), _("Gain")],
                rows=[
                    [
                        objective_label(line.code, facts.objective_texts),
                        percent(line.pre_percent, scale=1),
                        percent(line.post_percent, scale=1),
                        points(line.gain_points),
                    ]
                    for line in learning.by_objective
                ],
                widths=[0.58, 0.14, 0.14, 0.14],
                numeric=frozenset({1, 2, 3}),
            ),
        )


def points(value: float | None) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return _("%(sign)s%(value)s pts") % {"sign": sign, "value": number(abs(value), 1)}


def _satisfaction(report: Report, facts: ActivityFacts) -> None:
    found = facts.satisfaction
    report.add(Heading(_("5. Satisfaction")))
    if not found.copies:
        report.add(Para(_("Aucun questionnaire de satisfaction n’a été envoyé.")))
        return
    report.add(
        Para(
            _(
                "Note moyenne : %(mean)s sur 5, sur %(ratings)s notes données dans "
                "%(copies)s questionnaires."
            )
            % {
                "mean": number(found.mean_rating, 2),
                "ratings": number(found.ratings),
                "copies": number(found.copies),
            }
        )
    )


def _facilitators(report: Report, facts: ActivityFacts) -> None:
    report.add(Heading(_("6. Facilitateurs")))
    if not facts.facilitators:
        report.add(Para(_("Aucun facilitateur n’est inscrit aux sessions.")))
        return
    report.add(
        Table(
            head=[_("Nom et prénoms"), _("Sessions")],
            rows=[[line.name, ", ".join(line.sessions)] for line in facts.facilitators],
            widths=[0.45, 0.55],
        )
    )


def _budget(report: Report, facts: ActivityFacts) -> None:
    budget = facts.budget
    rows = [[funder.partner, money(funder.amount, facts.currency)] for funder in budget.funders]
    rows.append([_("Total des financements"), money(budget.committed, facts.currency)])
    report.add(
        Heading(_("7. Budget")),
        Table(
            head=[_("Partenaire"), _("Montant engagé")],
            rows=rows,
            widths=[0.6, 0.4],
            numeric=frozenset({1}),
            total=True,
        ),
        Para(
            ngettext(
                "Per diem et transport versés (derniers états de paiement émis) : %(paid)s, "
                "pour %(sessions)s session sur %(all)s.",
                "Per diem et transport versés (derniers états de paiement émis) : %(paid)s, "
                "pour %(sessions)s sessions sur %(all)s.",
                budget.sessions_with_statement,
            )
            % {
                "paid": money(budget.per_diem_paid, facts.currency),
                "sessions": number(budget.sessions_with_statement),
                "all": number(len(facts.sessions)),
            }
        ),
    )


def _photo_bytes(photo: Photo) -> bytes | None:
    try:
        with photo.image.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None


def _photos(report: Report, facts: ActivityFacts) -> None:
    report.add(Heading(_("8. Photos")))
    shown = 0
    for photo in facts.photos:
        data = _photo_bytes(photo)
        if data is None:
            continue
        caption = (photo.caption_en or photo.caption) if facts.language == "en" else photo.caption
        if photo.is_family and not caption:
            caption = _("Photo de famille — %(place)s") % {"place": photo.session.place.name}
        report.add(Picture(data, width=0.8 if photo.is_family else 0.6, caption=caption))
        shown += 1
    if not shown:
        report.add(Para(_("Aucune photo n’a été versée pour les sessions de cet atelier.")))


def _observations(report: Report, facts: ActivityFacts) -> None:
    written = facts.written
    observations = written.observations.strip() if written else ""
    recommendations = written.recommendations.strip() if written else ""
    report.add(
        Heading(_("9. Observations et recommandations")),
        Heading(_("Observations"), level=2),
        Para(observations or _("Aucune observation saisie.")),
        Heading(_("Recommandations"), level=2),
        Para(recommendations or _("Aucune recommandation saisie.")),
    )


# --- the follow-up (Kirkpatrick level 3), shared with the donor report --------------------------


def reached_text(reached: figures_followup.Reached) -> str:
    """« entre 120 et 180 » : the persons reached are bounded, never one number alone."""
    return _("entre %(lower)s et %(upper)s") % {
        "lower": number(reached.lower_bound),
        "upper": number(reached.upper_bound),
    }


def followup_facts(found: figures_followup.FollowUp) -> Facts:
    return Facts(
        [
            (
                _("Relais formés"),
                _("%(relays)s, dont %(departed)s sortis du suivi")
                % {"relays": number(found.relays), "departed": number(found.departed)},
            ),
            (
                _("Relais ayant pris un engagement"),
                _("%(share)s (%(count)s ; %(people)s personnes à sensibiliser prévues)")
                % {
                    "share": percent(found.commitment_share),
                    "count": number(found.committed),
                    "people": number(found.people_planned),
                },
            ),
            (_("Taux de réponse aux tours de suivi"), percent(found.response_rate)),
            (
                _("Restitution dans les 3 mois"),
                _("%(share)s (%(count)s relais sur %(due)s)")
                % {
                    "share": percent(found.restitution_share),
                    "count": number(found.on_time),
                    "due": number(found.due),
                },
            ),
            (_("Restitutions tenues"), number(found.reached.restitutions)),
            (_("Personnes touchées"), reached_text(found.reached)),
            (
                _("Délai avant la première restitution"),
                _("médiane %(median)s jours, moyenne %(mean)s jours")
                % {
                    "median": number(found.days_to_first_median, 1),
                    "mean": number(found.days_to_first_mean, 1),
                },
            ),
            (
                _("Relais déclarant un changement de pratique"),
                _("%(share)s (%(count)s sur %(relays)s)")
                % {
                    "share": percent(found.practice_change_share),
                    "count": number(found.practice_changed_relays),
                    "relays": number(found.practice_relays),
                },
            ),
        ]
    )


def _round_label(line: figures_followup.RoundFigures, with_workshop: bool) -> str:
    label = _("Tour %(number)s (+%(months)s mois)") % {
        "number": line.number,
        "months": line.months,
    }
    return f"{line.workshop} — {label}" if with_workshop else label


def followup_blocks(found: figures_followup.FollowUp, *, with_workshop: bool = False) -> list:
    """The follow-up's figures as report blocks: the key facts, the rounds, the persons
    reached by sex and category, the practices."""
    if not found.relays:
        return [Para(_("Aucun participant formé n’est encore suivi comme relais."))]
    blocks: list = [followup_facts(found)]
    if found.rounds:
        blocks += [Heading(_("Tours de suivi"), level=2), _rounds_table(found, with_workshop)]
    blocks += _reached_blocks(found.reached)
    if found.practices:
        blocks += [Heading(_("Changements de pratique déclarés"), level=2), _practices_table(found)]
    return blocks


def _rounds_table(found: figures_followup.FollowUp, with_workshop: bool) -> Table:
    return Table(
        head=[_("Tour"), _("Relais à suivre"), _("Ont répondu"), _("Taux de réponse")],
        rows=[
            [
                _round_label(line, with_workshop),
                number(line.respondents),
                number(line.answered),
                percent(line.response_rate),
            ]
            for line in found.rounds
        ],
        widths=[0.52, 0.16, 0.16, 0.16],
        numeric=frozenset({1, 2, 3}),
    )


def _reached_blocks(reached: figures_followup.Reached) -> list:
    """The audiences summed by sex and category, and the two bounds of the persons reached."""
    names = ("women", "men", *figures_followup.CATEGORIES)
    return [
        Heading(_("Personnes touchées par les restitutions"), level=2),
        Table(
            head=[
                "",
                _("Femmes"),
                _("Hommes"),
                _("Collègues"),
                _("Familles"),
                _("Autorités"),
                _("Population"),
                _("Autres"),
            ],
            rows=[[_("Somme des publics"), *(number(getattr(reached, name)) for name in names)]],
            widths=[0.16, 0.12, 0.12, 0.12, 0.12, 0.12, 0.12, 0.12],
            numeric=frozenset(range(1, 8)),
        ),
        Para(
            _(
                "Personnes distinctes touchées : %(range)s (borne basse : la plus grande "
                "restitution de chaque unité ; borne haute : la somme des publics)."
            )
            % {"range": reached_text(reached)},
            small=True,
        ),
    ]


def _practices_table(found: figures_followup.FollowUp) -> Table:
    return Table(
        head=[_("Pratique"), _("Relais ayant répondu"), _("Changement"), _("Part")],
        rows=[
            [item.label, number(item.answered), number(item.changed), percent(item.share)]
            for item in found.practices
        ],
        widths=[0.52, 0.16, 0.16, 0.16],
        numeric=frozenset({1, 2, 3}),
    )
