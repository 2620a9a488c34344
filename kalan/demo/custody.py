"""The demo's custody monitoring (issue 14): a year and a half of the National Preventive
Mechanism's visits to the custody cells of the Ségou and Mopti regions, from March 2022 to
October 2023, before and after the Sévaré and Ségou sessions (November 2022).

Invented, and made plausible rather than perfect:

- **places**: one for each brigade, commissariat or police post of the registry's units in the
  two regions (``data/units.csv``), its kind from the unit's; most of them have officers trained
  by the demo's sessions (their postings), seven have none (the last rows of the file);
- **visits**: each place once between March and October 2022, then once or twice between
  December 2022 and October 2023; mostly unannounced, the demo NPM monitor in the team, the
  persons held at arrival (minors and women now and then), the register's check;
- **the instrument**, answered for every item: compliance depends on the theme and rises after
  the training in the units where trained officers serve (rights, register, duration,
  treatment, complaints, a little the medical items), hardly elsewhere; material conditions do
  not change with training. Items about women or minors are « non vu » when none is held, the
  medical ones often, so that some cells of the evidence table have too few visits to conclude;
  the « non » and « en partie » answers carry a note;
- **interviews**: one to three when someone is held, by an anonymous code only, with consent;
  neutral notes, some allegations of ill-treatment (fewer after the training in trained units);
- **recommendations** after most visits (from the items answered « non »), to the unit or to an
  authority, checked at the place's next visit; with responses, in every status;
- **two visit reports** drafted from the data (``kalan.reports.visit_report``).

Everything goes through the custody services (``kalan.custody.services_*``). Drawn with a fixed
seed, in the order of the places' names: the demo is the same on every machine. Idempotent like
the rest of the demo: a place that exists is kept, a place with visits gets no more.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from kalan.core.models import User
from kalan.custody.models import (
    Answer,
    DetentionPlace,
    InstrumentItem,
    Interview,
    Recommendation,
    RecommendationCheck,
    Visit,
)
from kalan.custody.selectors import TEAM_ROLES
from kalan.custody.services_interviews import interview_record
from kalan.custody.services_places import detention_place_save
from kalan.custody.services_recommendations import (
    recommendation_check_record,
    recommendation_create,
    recommendation_response_add,
    recommendation_status_set,
)
from kalan.custody.services_visits import visit_answers_save, visit_save
from kalan.people.models import Unit
from kalan.relays.models import CODE_ALPHABET
from kalan.reports.visit_report import visit_report_redraft

SEED = 1014
REGIONS = ("Ségou", "Mopti")
KINDS: dict[str, str] = {
    Unit.Kind.BRIGADE: DetentionPlace.Kind.BRIGADE,
    Unit.Kind.COMMISSARIAT: DetentionPlace.Kind.COMMISSARIAT,
    Unit.Kind.POST: DetentionPlace.Kind.POST,
}
BEFORE = (dt.date(2022, 3, 7), dt.date(2022, 10, 28))
AFTER = (dt.date(2022, 12, 5), dt.date(2023, 10, 27))
# Compliance before the training, by theme; what the training adds in trained units after it;
# what every unit gains over the period (a circular of the prosecutors, the visits themselves).
BASE = {
    "register": 0.50,
    "duration": 0.45,
    "rights": 0.30,
    "medical": 0.30,
    "separation": 0.55,
    "conditions": 0.35,
    "treatment": 0.55,
    "complaints": 0.25,
}
TRAINING = {
    "register": 0.25,
    "duration": 0.25,
    "rights": 0.35,
    "medical": 0.10,
    "separation": 0.05,
    "conditions": 0.0,
    "treatment": 0.25,
    "complaints": 0.30,
}
TREND = 0.04
# « Non vu »: the medical items when nobody asked for a doctor, the others rarely.
NOT_SEEN = {"medical": 0.55}
NOT_SEEN_DEFAULT = 0.04
WOMEN_ITEMS = ("women_separated",)
MINOR_ITEMS = ("minors_separated", "minors_guardians")
# What the team wrote for an item answered « non » or « en partie ».
NOTES = {
    "register_kept": ("Registre tenu sur un cahier d’écolier, non coté ni paraphé.",),
    "register_complete": (
        "Heures de fin de garde à vue non portées pour plusieurs inscriptions.",
        "Motif de la garde à vue absent pour plusieurs inscriptions.",
    ),
    "register_signed": ("Signature de la personne absente, sans mention d’un refus.",),
    "everyone_registered": ("Une personne trouvée en cellule n’était pas inscrite au registre.",),
    "within_legal_limit": (
        "Deux gardes à vue de plus de 48 heures sans autorisation écrite du procureur.",
    ),
    "extension_authorised": ("Prolongation accordée par téléphone, sans écrit au dossier.",),
    "brought_before_prosecutor": (
        "Présentation au parquet retardée faute de véhicule ; heure non consignée.",
    ),
    "reasons_notified": ("Motif annoncé oralement, sans mention au procès-verbal.",),
    "right_lawyer": (
        "Aucun avocat dans la localité ; le droit n’est pas évoqué.",
        "Droit notifié, mais aucune liste d’avocats n’est disponible.",
    ),
    "right_doctor": ("Le droit à un médecin n’est pas mentionné dans le procès-verbal.",),
    "right_family": (
        "Famille prévenue seulement lorsqu’elle se présente à l’unité.",
        "Pas de téléphone mis à disposition pour prévenir un proche.",
    ),
    "right_silence": ("Le droit de garder le silence n’est jamais notifié.",),
    "language_understood": (
        "Notification en français seulement à des personnes qui parlent bambara ou peul.",
    ),
    "rights_displayed": ("Affiche des droits absente des locaux.",),
    "medical_exam": ("Pas de médecin joignable dans la localité ; examen non proposé.",),
    "medical_recorded": ("Examen demandé par la famille, non consigné au dossier.",),
    "urgent_care": ("Médicaments achetés par les familles ; pas de trousse de secours.",),
    "women_separated": ("Une seule cellule : la femme était gardée dans le bureau de permanence.",),
    "minors_separated": ("Un mineur gardé avec des adultes pendant la nuit.",),
    "minors_guardians": ("Parents du mineur non prévenus ; juge des enfants non informé.",),
    "space": ("Huit personnes pour une cellule prévue pour quatre.",),
    "light": ("Cellule sans fenêtre ; ampoule hors d’usage.",),
    "ventilation": ("Aération par la porte seulement ; chaleur forte l’après-midi.",),
    "sanitation": ("Pas de toilettes dans la cellule : seau vidé le matin.",),
    "water": ("Eau apportée par les familles uniquement.",),
    "food": ("Pas de repas fourni par l’unité ; les personnes sans famille proche jeûnent.",),
    "bedding": ("Ni natte ni couverture ; sol en ciment.",),
    "no_signs": ("Fouet (chicotte) trouvé dans le bureau de permanence.",),
    "no_restraints": ("Personne menottée au banc du poste de garde pendant la visite.",),
    "complaint_possible": (
        "Les personnes entendues ne savent pas à qui s’adresser pour se plaindre.",
    ),
    "complaints_forwarded": ("Aucun registre des plaintes ; pas de transmission au parquet.",),
}
NOTE_DEFAULT = ("Constat de l’équipe à préciser dans le rapport.",)
RECEIVED_BY: dict[str, tuple[str, ...]] = {
    DetentionPlace.Kind.BRIGADE: (
        "le commandant de brigade",
        "l’adjoint au commandant de brigade",
        "le chef de poste de permanence",
    ),
    DetentionPlace.Kind.COMMISSARIAT: (
        "le commissaire de police",
        "le commissaire adjoint",
        "l’officier de permanence",
    ),
    DetentionPlace.Kind.POST: ("le chef de poste", "l’agent de permanence"),
}
INTERVIEW_NOTES = (
    "Interpellé la veille lors d’un contrôle routier. Dit avoir été informé du motif à son "
    "arrivée. Repas apporté par sa famille.",
    "En garde à vue depuis deux jours pour une affaire de vol de bétail. N’a pas vu de médecin, "
    "ne l’a pas demandé. Dort sur une natte.",
    "Dit ne pas savoir combien de temps il restera. Sa famille n’a pas été prévenue.",
    "Convoqué puis retenu pour un litige foncier. Traitement correct selon lui.",
    "Se plaint de la chaleur dans la cellule et du manque d’eau l’après-midi.",
)
ALLEGATION_ITEM_NOTE = (
    "Une personne entendue fait état de mauvais traitements (voir les entretiens)."
)
ALLEGATION_NOTES = (
    "Dit avoir reçu des gifles lors de l’interrogatoire. Aucune trace visible ce jour. Ne "
    "souhaite pas porter plainte.",
    "Fait état de coups de ceinture au moment de l’interpellation, avant l’arrivée à l’unité. "
    "Marques anciennes sur l’avant-bras.",
    "Dit avoir été menacé pour signer sa déposition sans l’avoir lue.",
)
# A recommendation for an item answered « non »: its text, priority, months to do it.
RECOMMENDATIONS = {
    "register": ("Tenir le registre de garde à vue complet et à jour.", "medium", 3),
    "duration": (
        "Obtenir l’autorisation écrite du procureur pour toute prolongation.",
        "high",
        1,
    ),
    "rights": (
        "Notifier par écrit, dans une langue comprise, les droits de la personne gardée à vue.",
        "high",
        2,
    ),
    "medical": ("Permettre l’examen médical dès qu’il est demandé, et le consigner.", "medium", 3),
    "separation": ("Aménager un espace séparé pour les femmes et les mineurs.", "medium", 6),
    "conditions": (
        "Assurer l’accès à l’eau potable et à des toilettes à toute heure.",
        "low",
        6,
    ),
    "treatment": (
        "Rappeler par note de service l’interdiction absolue des mauvais traitements.",
        "high",
        1,
    ),
    "complaints": ("Ouvrir un registre des plaintes et les transmettre au parquet.", "medium", 3),
}
AUTHORITIES = {
    "Mopti": "Procureur de la République près le tribunal de grande instance de Mopti",
    "Ségou": "Procureur de la République près le tribunal de grande instance de Ségou",
}
RESPONSES = {
    "implemented": "La mesure a été prise ; une note de service a été diffusée.",
    "in_progress": "La demande a été transmise à la hiérarchie ; les travaux sont prévus.",
    "rejected": "Aucun budget n’est prévu cette année pour ces travaux.",
}
CHECKED = RecommendationCheck.Finding
CHECK_NOTES = {
    CHECKED.IMPLEMENTED: "Constaté lors de la visite.",
    CHECKED.PARTLY: "Mesure engagée, pas encore complète.",
    CHECKED.NOT_IMPLEMENTED: "Situation inchangée.",
}
# The visits whose report the demo drafts: (place, which of its visits).
REPORTS = (("Brigade territoriale de Sévaré", -1), ("Commissariat de police de Konna", -1))

Counts = dict[str, int]


@dataclass
class _Place:
    place: DetentionPlace
    region: str
    trained: bool  # has officers trained by the demo's sessions (any time)


def demo_custody_load(
    *, units: dict[str, Unit], trained: set[int], monitor: User, created: Counts
) -> None:
    """Places, visits, answers, interviews, recommendations and two reports (see the module's
    docstring); only what is missing. ``trained``: the ids of the units with trained officers."""
    if not monitor.is_active or monitor.role not in TEAM_ROLES:
        return  # the demo monitor was given another role since: nobody to visit
    rng = random.Random(SEED)
    items = list(InstrumentItem.objects.filter(active=True).order_by("order", "pk"))
    places = _places(units, trained=trained, created=created)
    codes: set[str] = set()
    for entry in places:
        draws = random.Random(rng.random())  # each place its own draws, whatever is skipped
        if entry.place.visits.exists():
            continue
        visits = _visits(entry, draws, monitor=monitor, items=items, codes=codes, created=created)
        _recommendations(entry, visits, draws, monitor=monitor, created=created)
    for name, index in REPORTS:
        place = next((p.place for p in places if p.place.name == name), None)
        if place is None or hasattr(_nth_visit(place, index), "report"):
            continue
        visit_report_redraft(visit=_nth_visit(place, index), by=monitor)
        created["visit_reports"] += 1


def _nth_visit(place: DetentionPlace, index: int) -> Visit:
    return list(place.visits.order_by("visited_on", "pk"))[index]


def _places(units: dict[str, Unit], *, trained: set[int], created: Counts) -> list[_Place]:
    found = []
    for unit in sorted(units.values(), key=lambda u: u.name):
        region = unit.place.region
        if unit.kind not in KINDS or region is None or region.name not in REGIONS:
            continue
        place = DetentionPlace.objects.filter(unit=unit).first()
        if place is None:
            place = detention_place_save(
                unit=unit,
                name=unit.name,
                kind=KINDS[unit.kind],
                locality=unit.place,
                capacity=None,
                cells=None,
                opened_on=None,
                closed_on=None,
            )
            created["custody_places"] += 1
        found.append(_Place(place=place, region=region.name, trained=unit.pk in trained))
    return found


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
    # The teams visit on working days.
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _schedule(rng: random.Random) -> list[dt.date]:
    """One visit before the training, one or two after (the second at least three months on)."""
    days = [_day_between(rng, *BEFORE)]
    if rng.random() < 0.55:
        middle = AFTER[0] + (AFTER[1] - AFTER[0]) / 2
        days.append(_day_between(rng, AFTER[0], middle - dt.timedelta(days=45)))
        days.append(_day_between(rng, middle + dt.timedelta(days=45), AFTER[1]))
    else:
        days.append(_day_between(rng, *AFTER))
    return days


def _visits(
    entry: _Place,
    rng: random.Random,
    *,
    monitor: User,
    items: list[InstrumentItem],
    codes: set[str],
    created: Counts,
) -> list[Visit]:
    made = []
    for day in _schedule(rng):
        improved = entry.trained and day >= AFTER[0]
        visit = _visit(entry, day, rng, monitor=monitor)
        heard, allegations = _interviews(
            visit, rng, improved=improved, monitor=monitor, codes=codes
        )
        answers = [
            _answer(item, visit, rng, improved=improved, after=day >= AFTER[0]) for item in items
        ]
        # What the persons interviewed said is the answer to « no allegation »; nobody heard,
        # nothing to say.
        said = (
            (Answer.NO, ALLEGATION_ITEM_NOTE)
            if allegations
            else ((Answer.YES, "") if heard else (Answer.NOT_SEEN, ""))
        )
        answers = [
            (item, *said) if item.key == "no_allegation" else answer
            for answer, item in zip(answers, items, strict=True)
        ]
        examined, over = _register(rng, improved=improved)
        visit_answers_save(
            visit=visit,
            answers=answers,
            register_examined=examined,
            register_over_limit=over,
            by=monitor,
        )
        created["custody_visits"] += 1
        created["custody_answers"] += len(answers)
        created["custody_interviews"] += visit.interviews.count()
        made.append(visit)
    return made


def _visit(entry: _Place, day: dt.date, rng: random.Random, *, monitor: User) -> Visit:
    arrived = dt.time(rng.randint(8, 10), rng.choice((0, 15, 30, 45)))
    stay = rng.randint(120, 210)
    left_minutes = arrived.hour * 60 + arrived.minute + stay
    women = 1 if rng.random() < 0.25 else 0
    minors = 1 if rng.random() < 0.08 else 0
    return visit_save(
        place=entry.place,
        kind=Visit.Kind.UNANNOUNCED if rng.random() < 0.7 else Visit.Kind.ANNOUNCED,
        status=Visit.Status.DONE,
        visited_on=day,
        arrived_at=arrived,
        left_at=dt.time(left_minutes // 60, left_minutes % 60),
        team=[monitor],
        received_by=rng.choice(RECEIVED_BY[entry.place.kind]),
        held_men=rng.randint(0, 5),
        held_women=women,
        held_boys=minors,
        held_girls=0,
        summary="",
        by=monitor,
    )


def _answer(
    item: InstrumentItem, visit: Visit, rng: random.Random, *, improved: bool, after: bool
) -> tuple[InstrumentItem, str, str]:
    theme = item.theme
    if (item.key in WOMEN_ITEMS and not visit.held_women) or (
        item.key in MINOR_ITEMS and not (visit.held_boys or visit.held_girls)
    ):
        return item, Answer.NOT_SEEN, ""
    if rng.random() < NOT_SEEN.get(theme, NOT_SEEN_DEFAULT):
        return item, Answer.NOT_SEEN, ""
    share = BASE[theme] + (TREND if after else 0.0) + (TRAINING[theme] if improved else 0.0)
    if rng.random() < share:
        return item, Answer.YES, ""
    value = Answer.PARTLY if rng.random() < 0.4 else Answer.NO
    return item, value, rng.choice(NOTES.get(item.key, NOTE_DEFAULT))


def _register(rng: random.Random, *, improved: bool) -> tuple[int, int]:
    examined = rng.randint(12, 60)
    rate = 0.04 if improved else 0.15
    over = sum(1 for _ in range(examined) if rng.random() < rate)
    return examined, over


def _code(rng: random.Random, codes: set[str]) -> str:
    while True:
        code = "E-" + "".join(rng.choice(CODE_ALPHABET) for _ in range(4))
        if code not in codes and not Interview.objects.filter(code=code).exists():
            codes.add(code)
            return code


def _interviews(
    visit: Visit, rng: random.Random, *, improved: bool, monitor: User, codes: set[str]
) -> tuple[int, int]:
    """One to three interviews when somebody is held: how many, how many reported
    ill-treatment."""
    held = (visit.held_men or 0) + (visit.held_women or 0) + (visit.held_boys or 0)
    heard, allegations = min(held, rng.randint(1, 3)), 0
    for _n in range(heard):
        alleged = rng.random() < (0.08 if improved else 0.25)
        allegations += alleged
        interview_record(
            visit=visit,
            code=_code(rng, codes),
            consent=True,
            allegation=alleged,
            notes=rng.choice(ALLEGATION_NOTES if alleged else INTERVIEW_NOTES),
            by=monitor,
        )
    return heard, allegations


# --- recommendations ---------------------------------------------------------------------------


def _recommendations(
    entry: _Place, visits: list[Visit], rng: random.Random, *, monitor: User, created: Counts
) -> None:
    """After each visit, one or two recommendations on themes answered « non », checked at the
    place's next visit; responses and statuses follow what the check found."""
    for index, visit in enumerate(visits):
        later = visits[index + 1] if index + 1 < len(visits) else None
        for theme in _themes_to_recommend(visit, rng):
            recommendation = _recommend(entry, visit, theme, rng, monitor=monitor)
            created["custody_recommendations"] += 1
            if later is None:
                _follow_up_without_check(recommendation, theme, rng, monitor=monitor)
            else:
                improved = entry.trained and later.visited_on >= AFTER[0]
                _check(recommendation, later, theme, rng, improved=improved, monitor=monitor)


def _themes_to_recommend(visit: Visit, rng: random.Random) -> list[str]:
    themes = sorted(
        set(visit.answers.filter(value=Answer.NO).values_list("item__theme", flat=True)),
        key=list(BASE).index,
    )
    return rng.sample(themes, min(len(themes), rng.choice((1, 2, 2))))


def _recommend(
    entry: _Place, visit: Visit, theme: str, rng: random.Random, *, monitor: User
) -> Recommendation:
    text, priority, months = RECOMMENDATIONS[theme]
    to_prosecutor = theme == "duration" and rng.random() < 0.5
    return recommendation_create(
        visit=visit,
        unit=None if to_prosecutor else entry.place.unit,
        authority=AUTHORITIES[entry.region] if to_prosecutor else "",
        text=text,
        priority=priority,
        due_on=visit.visited_on + dt.timedelta(days=30 * months),
        by=monitor,
    )


def _respond(
    recommendation: Recommendation, status: str, rng: random.Random, *, monitor: User
) -> None:
    visit = recommendation.visit
    respondent = (
        "Le parquet" if recommendation.unit is None else f"Le chef de l’unité ({visit.place})"
    )
    recommendation_response_add(
        recommendation=recommendation,
        received_on=visit.visited_on + dt.timedelta(days=rng.randint(15, 50)),
        respondent=respondent,
        text=RESPONSES[status],
        by=monitor,
    )
    recommendation_status_set(recommendation=recommendation, status=status)


def _check(
    recommendation: Recommendation,
    later: Visit,
    theme: str,
    rng: random.Random,
    *,
    improved: bool,
    monitor: User,
) -> None:
    odds = (0.6, 0.25) if improved else (0.25, 0.3)
    draw = rng.random()
    status: str = ""  # not implemented, no answer: it stays open
    if draw < odds[0]:
        finding, status = CHECKED.IMPLEMENTED, Recommendation.Status.IMPLEMENTED
    elif draw < odds[0] + odds[1]:
        finding, status = CHECKED.PARTLY, Recommendation.Status.IN_PROGRESS
    else:
        finding = CHECKED.NOT_IMPLEMENTED
        if theme == "conditions":  # works the unit says it has no budget for
            status = Recommendation.Status.REJECTED
    if status:
        _respond(recommendation, status, rng, monitor=monitor)
    recommendation_check_record(
        recommendation=recommendation, visit=later, finding=finding, note=CHECK_NOTES[finding]
    )


def _follow_up_without_check(
    recommendation: Recommendation, theme: str, rng: random.Random, *, monitor: User
) -> None:
    draw = rng.random()
    if draw < 0.35:
        _respond(recommendation, Recommendation.Status.IN_PROGRESS, rng, monitor=monitor)
    elif draw < 0.55 and theme == "conditions":
        _respond(recommendation, Recommendation.Status.REJECTED, rng, monitor=monitor)
