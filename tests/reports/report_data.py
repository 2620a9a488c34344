"""A small programme with every kind of figure the activity and donor reports print.

Workshop A (axis 1), funded by EUCAP (9 000 000) and the Swiss cooperation (3 000 000):

- session 1, Sévaré (Mopti), 8-10 November 2022, whole days, per diem 25 000, transport 15 000:
  Aïssata (F, gendarmerie, officer, unit in Mopti) present 3 days; Bakary (M, gendarmerie, NCO,
  unit in Ségou) 2 days; Cheick (M, police, no unit) never came; Djénéba (F, police) withdrew;
  the facilitator Nana Sidibé came every day (never counted as trained).
  Pre-test (4 questions, objectives OBJ-A and OBJ-B): Aïssata 75 %, Bakary 25 %; post-test:
  Aïssata 100 %, Bakary 62.5 %. Survey: Aïssata rates 5 and 4, Bakary 3 and 4.
  A payment statement is issued, then a second after Bakary's third day was marked: the latest
  counts.
- session 2, Ségou, 14-15 November 2022, by half-days: Aïssata a whole first day (morning and
  afternoon), Ebou (M, police, NCO, unit in Ségou) the first morning only.

Workshop B (axis 1), funded by the Swiss cooperation only: session 1 in Kayes, February 2023,
Fanta (F, police) present one day.

Names of participants are in ``PARTICIPANT_NAMES``: the donor report must print none of them.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image

from kalan.assessments import services as assessment_services
from kalan.assessments.models import CurriculumObjective, Test
from kalan.core.models import Partner, Place, User
from kalan.finance.models import PaymentStatement
from kalan.finance.statements import statement_issue
from kalan.people.models import Person, Unit
from kalan.plans.models import Axis
from kalan.reports.models import Photo
from kalan.workshops.models import Attendance, Enrollment, Funding, Session, Workshop
from tests.assessments.results_data import build_test, four_questions, send_copy, start_copy
from tests.factories import (
    EnrollmentFactory,
    PartnerFactory,
    PersonFactory,
    SessionFactory,
    WorkshopFactory,
    corps,
    place,
    rank,
)

PARTICIPANT_NAMES = ("Aïssata", "Bakary", "Cheick", "Djénéba", "Ebou", "Fanta", "Coulibaly")
FACILITATOR = ("Sidibé", "Nana")
NOVEMBER = [dt.date(2022, 11, day) for day in (8, 9, 10)]


@dataclass
class Programme:
    workshop: Workshop
    other_workshop: Workshop
    eucap: Partner
    swiss: Partner
    sevare: Session
    segou: Session
    kayes: Session
    statement: PaymentStatement


def _person(last: str, first: str, sex: str, corps_name: str, rank_name: str, unit: Unit | None):
    return PersonFactory(
        last_name=last,
        first_names=first,
        sex=sex,
        corps=corps(corps_name),
        rank=rank(corps_name, rank_name),
        unit=unit,
    )


def _present(enrollment: Enrollment, days: list[dt.date], half: str = "day") -> None:
    for day in days:
        Attendance.objects.create(enrollment=enrollment, day=day, half=half)


def jpeg(width: int = 120, height: int = 80, colour: str = "#2f6690") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def photo_add(session: Session, *, caption: str, caption_en: str, family: bool) -> Photo:
    photo = Photo(
        session=session,
        width=120,
        height=80,
        caption=caption,
        caption_en=caption_en,
        is_family=family,
    )
    photo.image.save("x.jpg", ContentFile(jpeg()), save=False)
    photo.thumbnail.save("x.jpg", ContentFile(jpeg(30, 20)), save=False)
    photo.save()
    return photo


def build(*, axis: Axis, funder: Partner, by: User) -> Programme:
    swiss = PartnerFactory(name="Coopération suisse", acronym="DDC")
    workshop = WorkshopFactory(
        axis=axis,
        title="Atelier des OPJ sur les droits de l’homme",
        objectives=["Connaître la garde à vue.", "Prévenir la torture."],
        description="La CNDH forme les OPJ des régions de Mopti et Ségou.",
    )
    Funding.objects.create(workshop=workshop, partner=funder, amount=9_000_000)
    Funding.objects.create(workshop=workshop, partner=swiss, amount=3_000_000)
    other = WorkshopFactory(axis=axis, title="Atelier de Kayes", objectives=["Former."])
    Funding.objects.create(workshop=other, partner=swiss, amount=5_000_000)

    mopti_unit = Unit.objects.create(
        corps=corps("Gendarmerie"), name="Brigade de Sévaré", place=place("Sévaré")
    )
    segou_unit = Unit.objects.create(
        corps=corps("Police"), name="Commissariat de Ségou", place=place("Ségou")
    )
    sevare = SessionFactory(workshop=workshop, place=place("Sévaré"), start_date=NOVEMBER[0])
    segou = SessionFactory(
        workshop=workshop,
        place=place("Ségou"),
        venue="Hôtel Djoliba",
        start_date=dt.date(2022, 11, 14),
        end_date=dt.date(2022, 11, 15),
        half_days=True,
    )
    kayes = SessionFactory(
        workshop=other,
        place=place("Kayes"),
        venue="Hôtel du Rail",
        start_date=dt.date(2023, 2, 6),
        end_date=dt.date(2023, 2, 7),
    )

    aissata = _person("Coulibaly", "Aïssata", "F", "Gendarmerie", "Capitaine", mopti_unit)
    bakary = _person("Traoré", "Bakary", "M", "Gendarmerie", "Adjudant", segou_unit)
    cheick = _person("Diarra", "Cheick", "M", "Police", "Inspecteur de police", None)
    djeneba = _person("Keïta", "Djénéba", "F", "Police", "Inspecteur de police", None)
    ebou = _person("Sangaré", "Ebou", "M", "Police", "Inspecteur de police", segou_unit)
    fanta = _person("Konaté", "Fanta", "F", "Police", "Inspecteur de police", None)
    facilitator = PersonFactory(
        last_name=FACILITATOR[0], first_names=FACILITATOR[1], sex="F", corps=None
    )

    e_aissata = EnrollmentFactory(session=sevare, person=aissata)
    e_bakary = EnrollmentFactory(session=sevare, person=bakary)
    EnrollmentFactory(session=sevare, person=cheick)
    EnrollmentFactory(session=sevare, person=djeneba, status=Enrollment.Status.WITHDRAWN)
    e_facilitator = EnrollmentFactory(
        session=sevare, person=facilitator, role=Enrollment.Role.FACILITATOR
    )
    _present(e_aissata, NOVEMBER)
    _present(e_bakary, NOVEMBER[:2])
    _present(e_facilitator, NOVEMBER)

    s2_aissata = EnrollmentFactory(session=segou, person=aissata)
    s2_ebou = EnrollmentFactory(session=segou, person=ebou)
    _present(s2_aissata, [segou.start_date], Attendance.Half.MORNING)
    _present(s2_aissata, [segou.start_date], Attendance.Half.AFTERNOON)
    _present(s2_ebou, [segou.start_date], Attendance.Half.MORNING)

    _present(EnrollmentFactory(session=kayes, person=fanta), [kayes.start_date])

    CurriculumObjective.objects.create(
        code="OBJ-A", text="Connaître les délais de la garde à vue.", text_en="Know custody limits."
    )
    CurriculumObjective.objects.create(
        code="OBJ-B", text="Prévenir la torture.", text_en="Prevent torture."
    )
    pre = build_test(sevare, kind=Test.Kind.PRE, contents=four_questions())
    post = build_test(sevare, kind=Test.Kind.POST, contents=four_questions())
    send_copy(pre, e_aissata, [1, 0, 1, 1])  # 75 %
    send_copy(pre, e_bakary, [0, 0, 1, 0])  # 25 %
    send_copy(post, e_aissata, [1, 1, 1, 1])  # 100 %
    send_copy(post, e_bakary, [1, 0, 1, 0.5])  # 62.5 %
    rating = {
        "kind": "rating",
        "text": "Qualité des présentations",
        "text_en": "",
        "module": "M1",
        "objective": "",
        "choices": [],
    }
    survey = build_test(
        sevare, kind=Test.Kind.SURVEY, contents=[rating, {**rating, "text": "Lieu"}]
    )
    for enrollment, ratings in ((e_aissata, (5, 4)), (e_bakary, (3, 4))):
        submission = start_copy(survey, enrollment)
        for question, given in zip(survey.questions.order_by("order"), ratings, strict=True):
            assessment_services.answer_save(submission=submission, question=question, rating=given)
        assessment_services.submission_submit(submission=submission)

    statement_issue(session=sevare, by=by)
    _present(e_bakary, NOVEMBER[2:])  # the statement is outdated: a new one is issued
    statement = statement_issue(session=sevare, by=by)

    photo_add(sevare, caption="Remise des attestations", caption_en="Certificates", family=False)
    photo_add(sevare, caption="Photo de famille à Sévaré", caption_en="Group photo", family=True)
    return Programme(
        workshop=workshop,
        other_workshop=other,
        eucap=funder,
        swiss=swiss,
        sevare=sevare,
        segou=segou,
        kayes=kayes,
        statement=statement,
    )


def persons_named(text: str) -> list[str]:
    """The participants' names that appear in ``text``."""
    folded = text.casefold()
    return [name for name in PARTICIPANT_NAMES if name.casefold() in folded]


def person_count(**filters: object) -> int:
    return Person.all_objects.filter(**filters).distinct().count()


def region_of(name: str) -> Place:
    return Place.objects.get(kind=Place.Kind.REGION, name=name)
