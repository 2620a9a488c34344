"""factory_boy factories for Kalan's models: import them, don't rebuild data by hand.

Reference data comes from migration people.0002 (Mali's regions and towns, four corps and their
ranks), so the factories reuse those rows instead of inventing places and forces:

- ``place(name, kind="town")`` returns a reference place, e.g. ``place("Sévaré")``,
  ``place("Mopti", kind="region")``, ``place("Mali", kind="country")``.
- ``corps(short_name)`` returns a reference corps: ``corps("Gendarmerie")``, ``corps("Police")``,
  ``corps("Garde")``.
- ``rank(corps_short_name, name)`` returns a reference rank: ``rank("Police", "Commissaire de
  police")``.

Factories (``XFactory()`` saves, ``XFactory.build()`` does not; every field can be overridden):

- ``OrganisationFactory``: the CNDH of Mali (country: the reference Mali).
- ``PlaceFactory``: a town in the Mopti region; defaults to the reference Sévaré (get-or-create on
  parent, kind and name, so ``PlaceFactory()`` twice gives the same row).
- ``CorpsFactory``: get-or-create by name; defaults to the reference Gendarmerie nationale. Pass a
  new ``name`` for a corps of your own.
- ``RankFactory``: get-or-create by corps and name; defaults to the gendarmerie's Capitaine.
- ``UnitFactory``: a brigade of the gendarmerie in Sévaré, numbered.
- ``PersonFactory``: a gendarme with a unique service number, a Malian name, and the lowest rank
  of their corps. ``PersonFactory(corps=None)`` makes a civilian with no rank and no number;
  give a unit with ``PersonFactory(unit=UnitFactory())`` (same corps as the person).
- ``PartnerFactory``: get-or-create by name; numbered partners by default.
  ``PartnerFactory(name="EUCAP Sahel Mali", acronym="EUCAP")`` is the funder of the seed story.
- ``StrategicPlanFactory``: the 2020-2022 plan of the CNDH.
- ``AxisFactory``: an axis titled like the seed's axis 3, numbered after its plan's last axis.
- ``WorkshopFactory``: a workshop on an axis. ``WorkshopFactory(objectives=["a", "b"])`` adds the
  specific objectives in that order; ``WorkshopFactory(fundings=[(partner, 1_000_000)])`` adds
  funders.
- ``ObjectiveFactory``, ``FundingFactory``: one row each, numbered/attached to a new workshop.
- ``SessionFactory``: the Sévaré session, 8-10 November 2022, 40 seats, numbered after the
  workshop's last session. ``SessionFactory(half_days=True)`` takes attendance morning/afternoon.
- ``EnrollmentFactory``: a confirmed participant (a new person) in a new session.
- ``AttendanceFactory``: present on the first day of the enrollment's session.
- ``UserFactory``: get-or-create by username; a user whose password is ``PASSWORD`` (log in with
  ``client.login(request=HttpRequest(), username=user.username, password=PASSWORD)``: django-axes
  counts failures per request, so it needs one).

Factories write rows directly (no ``full_clean``, no service): use them to arrange a test, and call
the services when the service is what the test is about.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.db.models import Max
from factory.django import DjangoModelFactory

from kalan.core.models import Organisation, Partner, Place, User
from kalan.people.models import Corps, Person, Rank, Unit
from kalan.plans.models import Axis, StrategicPlan
from kalan.workshops.models import Attendance, Enrollment, Funding, Objective, Session, Workshop

PASSWORD = "kalan-Sevare-2022!"

LAST_NAMES = [
    "Traoré",
    "Coulibaly",
    "Diarra",
    "Keïta",
    "Maïga",
    "Touré",
    "Sangaré",
    "Dembélé",
    "Konaté",
    "Sidibé",
    "Cissé",
    "Diallo",
]
MEN = ["Moussa", "Oumar", "Boubacar", "Mamadou", "Seydou", "Ibrahim", "Amadou", "Bakary"]
WOMEN = ["Aïssata", "Fatoumata", "Mariam", "Kadiatou", "Awa", "Hawa", "Oumou", "Rokia"]


def place(name: str, kind: str = Place.Kind.TOWN) -> Place:
    """A place loaded by the reference data, e.g. ``place("Sévaré")``."""
    return Place.objects.get(name=name, kind=kind)


def corps(short_name: str) -> Corps:
    """A corps loaded by the reference data, by its short name: Gendarmerie, Police, Garde…"""
    return Corps.objects.get(short_name=short_name)


def rank(corps_short_name: str, name: str) -> Rank:
    """A rank loaded by the reference data, e.g. ``rank("Gendarmerie", "Capitaine")``."""
    return Rank.objects.get(corps__short_name=corps_short_name, name=name)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = "Commission nationale des droits de l’homme"
    acronym = "CNDH"
    country = factory.LazyFunction(lambda: place("Mali", kind=Place.Kind.COUNTRY))
    currency = "XOF"


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ("parent", "kind", "name")

    name = "Sévaré"
    kind = Place.Kind.TOWN
    parent = factory.LazyFunction(lambda: place("Mopti", kind=Place.Kind.REGION))


class CorpsFactory(DjangoModelFactory):
    class Meta:
        model = Corps
        django_get_or_create = ("name",)

    name = "Gendarmerie nationale"
    short_name = factory.LazyAttribute(lambda o: o.name.split()[0])
    order = factory.Sequence(lambda n: 100 + n)


class RankFactory(DjangoModelFactory):
    class Meta:
        model = Rank
        django_get_or_create = ("corps", "name")

    corps = factory.SubFactory(CorpsFactory)
    name = "Capitaine"
    abbreviation = ""
    order = factory.Sequence(lambda n: 100 + n)
    group = Rank.Group.OFFICER


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    corps = factory.SubFactory(CorpsFactory)
    name = factory.Sequence(lambda n: f"Brigade territoriale n° {n + 1}")
    kind = Unit.Kind.BRIGADE
    place = factory.SubFactory(PlaceFactory)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        index = factory.Sequence(lambda n: n)

    last_name = factory.LazyAttribute(lambda o: LAST_NAMES[o.index % len(LAST_NAMES)])
    sex = factory.Iterator([Person.Sex.MALE, Person.Sex.MALE, Person.Sex.FEMALE])
    first_names = factory.LazyAttribute(
        lambda o: (WOMEN if o.sex == Person.Sex.FEMALE else MEN)[o.index % len(MEN)]
    )
    corps = factory.SubFactory(CorpsFactory)
    # The most junior rank of the corps: reference rows, never a made-up rank.
    rank = factory.LazyAttribute(
        lambda o: o.corps.ranks.order_by("order").first() if o.corps else None
    )
    service_number = factory.LazyAttribute(lambda o: f"MLE-{o.index + 1:05d}" if o.corps else "")
    unit = None
    phone = factory.LazyAttribute(lambda o: f"+223 70 00 {o.index % 100:02d} 00")
    email = ""


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Partenaire {n + 1}")
    acronym = ""


class StrategicPlanFactory(DjangoModelFactory):
    class Meta:
        model = StrategicPlan

    organisation = factory.SubFactory(OrganisationFactory)
    title = "Plan stratégique de la CNDH"
    start_year = 2020
    end_year = 2022


class AxisFactory(DjangoModelFactory):
    class Meta:
        model = Axis

    plan = factory.SubFactory(StrategicPlanFactory)
    number = factory.LazyAttribute(
        lambda o: (o.plan.axes.aggregate(last=Max("number"))["last"] or 0) + 1
    )
    title = "Concilier le respect des droits et les impératifs sécuritaires"


class WorkshopFactory(DjangoModelFactory):
    class Meta:
        model = Workshop
        skip_postgeneration_save = True

    axis = factory.SubFactory(AxisFactory)
    title = "Les droits de l’homme dans l’enquête de police judiciaire"
    general_objective = "Renforcer le respect des droits de l’homme par les OPJ."
    target_audience = "OPJ de la gendarmerie et de la police"

    @factory.post_generation
    def objectives(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            Objective.objects.bulk_create(
                Objective(workshop=self, order=n, text=text)
                for n, text in enumerate(extracted, start=1)
            )

    @factory.post_generation
    def fundings(
        self, create: bool, extracted: list[tuple[Partner, int]] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            Funding.objects.bulk_create(
                Funding(workshop=self, partner=partner, amount=amount)
                for partner, amount in extracted
            )


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = Objective

    workshop = factory.SubFactory(WorkshopFactory)
    order = factory.LazyAttribute(
        lambda o: (o.workshop.objectives.aggregate(last=Max("order"))["last"] or 0) + 1
    )
    text = factory.Sequence(lambda n: f"Objectif spécifique {n + 1}")


class FundingFactory(DjangoModelFactory):
    class Meta:
        model = Funding

    workshop = factory.SubFactory(WorkshopFactory)
    partner = factory.SubFactory(PartnerFactory)
    amount = 10_000_000


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    workshop = factory.SubFactory(WorkshopFactory)
    number = factory.LazyAttribute(
        lambda o: (o.workshop.sessions.aggregate(last=Max("number"))["last"] or 0) + 1
    )
    place = factory.LazyFunction(lambda: place("Sévaré"))
    venue = "Hôtel La Palmeraie"
    start_date = dt.date(2022, 11, 8)
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=2))
    capacity = 40
    half_days = False
    per_diem_rate = 25_000
    transport_rate = 15_000


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory)
    role = Enrollment.Role.PARTICIPANT
    status = Enrollment.Status.CONFIRMED


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    enrollment = factory.SubFactory(EnrollmentFactory)
    day = factory.LazyAttribute(lambda o: o.enrollment.session.start_date)
    half = factory.LazyAttribute(lambda o: o.enrollment.session.halves[0])


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n + 1}")
    first_name = "Awa"
    last_name = "Diarra"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)
