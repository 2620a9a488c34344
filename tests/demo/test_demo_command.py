from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Model
from django.test import RequestFactory
from pytest_django import Settings

from kalan.core.models import Organisation, Partner, Place, User
from kalan.core.roles import GRANTS, Role
from kalan.demo.programme import PARTICIPANTS_FILE
from kalan.people.models import Corps, Person, Unit
from kalan.plans.models import Axis, StrategicPlan
from kalan.workshops.models import Attendance, Enrollment, Funding, Objective, Session, Workshop

pytestmark = pytest.mark.django_db

NOVEMBER_8, NOVEMBER_9, NOVEMBER_10 = (dt.date(2022, 11, day) for day in (8, 9, 10))
MODELS: tuple[type[Model], ...] = (
    Organisation,
    StrategicPlan,
    Axis,
    Partner,
    Workshop,
    Objective,
    Funding,
    Session,
    Unit,
    Person,
    Enrollment,
    Attendance,
    User,
)
# The demo's accounts in the order it prints them, one per role.
ROLES = {
    "admin": Role.ADMINISTRATOR,
    "programme": Role.PROGRAMME,
    "formateur": Role.TRAINER,
    "suivi": Role.MONITORING,
    "finances": Role.FINANCE,
    "communication": Role.COMMUNICATION,
    "partenaire": Role.DONOR,
    "mnp": Role.NPM,
}
ACCOUNT_LINE = re.compile(r"^Compte de démonstration : (\S+) / (\S+)", re.MULTILINE)


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


def sevare_session() -> Session:
    return Session.objects.select_related("place__parent", "workshop").get(place__name="Sévaré")


def test_it_enrols_forty_participants_in_sevare_with_attendance_on_the_three_days() -> None:
    run_demo()
    session = sevare_session()
    participants = session.enrollments.filter(role=Enrollment.Role.PARTICIPANT)
    assert participants.count() == 40
    days_present = participants.annotate(days=Count("attendances")).values_list("days", flat=True)
    assert all(days >= 2 for days in days_present)
    # Nearly everyone came all three days; a few missed one.
    assert 37 <= sum(1 for days in days_present if days == 3) < 40
    marked_days = set(
        Attendance.objects.filter(enrollment__in=participants).values_list("day", flat=True)
    )
    assert marked_days == {NOVEMBER_8, NOVEMBER_9, NOVEMBER_10}


def test_sevare_participants_are_gendarmerie_and_police_officers() -> None:
    run_demo()
    persons = Person.objects.filter(
        enrollments__session=sevare_session(), enrollments__role=Enrollment.Role.PARTICIPANT
    )
    assert set(persons.values_list("corps__short_name", flat=True)) == {"Gendarmerie", "Police"}
    assert not persons.filter(rank__isnull=True).exists()
    assert not persons.filter(unit__isnull=True).exists()
    assert persons.filter(sex=Person.Sex.FEMALE).count() >= 3


def test_the_two_sessions_have_distinct_participants_and_share_the_facilitators() -> None:
    run_demo()
    sevare, segou = Session.objects.order_by("start_date")
    assert segou.place.name == "Ségou"

    def enrolled(session: Session, role: str) -> set[int]:
        return set(session.enrollments.filter(role=role).values_list("person_id", flat=True))

    participant = Enrollment.Role.PARTICIPANT
    facilitator = Enrollment.Role.FACILITATOR
    assert len(enrolled(segou, participant)) == 40
    assert not enrolled(sevare, participant) & enrolled(segou, participant)
    assert len(enrolled(sevare, facilitator)) == 2
    assert enrolled(sevare, facilitator) == enrolled(segou, facilitator)


def test_the_workshop_has_five_ordered_objectives_and_eucap_sahel_mali_as_funder() -> None:
    run_demo()
    workshop = Workshop.objects.get()
    objectives = list(workshop.objectives.order_by("order"))
    assert [o.order for o in objectives] == [1, 2, 3, 4, 5]
    assert objectives[0].text.startswith("Renforcer les capacités des OPJ")
    assert objectives[4].text.startswith("Renforcer l’esprit de confiance mutuelle")
    funding = workshop.fundings.select_related("partner").get()
    assert funding.partner.acronym == "EUCAP Sahel Mali"
    assert funding.amount > 0
    assert workshop.axis.number == 3
    assert workshop.axis.plan.organisation.acronym == "CNDH"
    assert workshop.axis.plan.organisation.currency == "XOF"


def test_the_demo_names_its_records_in_english_too() -> None:
    run_demo()
    workshop = Workshop.objects.select_related("axis").get()
    partner = Partner.objects.get()

    assert (partner.acronym_en, partner.name_en) == ("EUCAP Sahel Mali", "EUCAP Sahel Mali Mission")
    assert workshop.title_en.startswith("Capacity-building workshop on human rights")
    assert workshop.general_objective_en.startswith("Promote, in a context of conflict")
    assert workshop.axis.title_en == "Reconciling respect for rights with security imperatives"
    assert workshop.axis.description_en.startswith("Reconciling respect for rights")
    english = list(workshop.objectives.order_by("order").values_list("text_en", flat=True))
    assert len(english) == 5 and all(english)
    assert english[0].startswith("Strengthen the capacities of judicial police officers")


def test_a_demo_loaded_before_english_texts_gets_them_but_keeps_what_was_rewritten() -> None:
    run_demo()
    # As migrated from a demo database made before English fields: all empty.
    Partner.objects.update(name_en="", acronym_en="")
    Axis.objects.update(title_en="", description_en="")
    Workshop.objects.update(title_en="", general_objective_en="")
    Objective.objects.update(text_en="")
    # Someone rewrote the axis title and typed their own English for the first objective.
    Axis.objects.update(title="Un axe réécrit")
    Objective.objects.filter(order=1).update(text_en="Their own translation.")

    out = run_demo()

    axis, workshop = Axis.objects.get(), Workshop.objects.get()
    assert Partner.objects.get().acronym_en == "EUCAP Sahel Mali"
    assert axis.title_en == "" and axis.description_en.startswith("Reconciling")
    assert workshop.title_en.startswith("Capacity-building workshop")
    english = list(workshop.objectives.order_by("order").values_list("text_en", flat=True))
    assert english[0] == "Their own translation." and all(english[1:])
    assert "english_texts: 7" in out  # the partner, the axis, the workshop, objectives 2 to 5
    assert "english_texts: 0" in run_demo()


def test_the_sevare_session_is_in_the_mopti_region_from_8_to_10_november_2022() -> None:
    run_demo()
    session = sevare_session()
    assert session.place.kind == Place.Kind.TOWN
    assert session.place.parent is not None
    assert session.place.parent.name == "Mopti"
    assert session.place.parent.kind == Place.Kind.REGION
    assert (session.start_date, session.end_date) == (NOVEMBER_8, NOVEMBER_10)
    assert session.venue == "Hôtel La Palmeraie"
    assert session.capacity == 40
    assert session.number == 1


def test_running_it_twice_adds_nothing_and_still_prints_the_accounts() -> None:
    run_demo()
    before = row_counts()
    out = run_demo()
    assert row_counts() == before
    assert "persons: 0" in out
    assert [username for username, _password in ACCOUNT_LINE.findall(out)] == list(ROLES)


def test_dry_run_writes_nothing_but_says_what_it_would_create() -> None:
    before = row_counts()
    out = run_demo("--dry-run")
    assert row_counts() == before
    assert "persons: 82" in out
    assert "enrollments: 84" in out


def test_the_printed_demo_logins_authenticate_one_account_per_role() -> None:
    out = run_demo()
    assert "http://127.0.0.1:8000/" in out
    accounts = dict(ACCOUNT_LINE.findall(out))
    assert set(accounts) == set(ROLES)
    login = RequestFactory().post("/connexion/")  # django-axes checks every login against one
    for username, role in ROLES.items():
        user = authenticate(login, username=username, password=accounts[username])
        assert user is not None, username
        assert user.is_active
        assert user.role == role
        assert user.is_superuser is (role == Role.ADMINISTRATOR)
        assert set(GRANTS[role]) == {
            perm.removeprefix("kalan.") for perm in user.get_all_permissions()
        }
    assert {user.role for user in User.objects.all()} == set(Role)


def test_the_trainer_is_assigned_to_the_sevare_session_only() -> None:
    run_demo()
    trainer = User.objects.get(username="formateur")
    assert list(trainer.assigned_sessions.all()) == [sevare_session()]
    assert not Session.objects.exclude(trainers=None).exclude(pk=sevare_session().pk).exists()


def test_the_partner_account_sees_what_eucap_sahel_mali_funds() -> None:
    run_demo()
    viewer = User.objects.get(username="partenaire")
    funding = Workshop.objects.get().fundings.get()
    assert viewer.partner == funding.partner
    assert User.objects.filter(partner__isnull=False).get() == viewer


def test_it_hides_a_demo_password_that_was_changed_since() -> None:
    run_demo()
    admin = User.objects.get(username="admin")
    admin.set_password("Un-autre-mot-de-passe-2024")
    admin.save()
    accounts = dict(ACCOUNT_LINE.findall(run_demo()))
    assert "admin" not in accounts
    assert "programme" in accounts


def test_it_writes_nothing_when_a_reference_town_is_missing() -> None:
    Place.objects.get(kind=Place.Kind.TOWN, name="Djenné").delete()
    before = row_counts()
    with pytest.raises(CommandError, match="Djenné"):
        run_demo()
    # Accounts, organisation and plan come before the units: one transaction undoes them too.
    assert row_counts() == before


def test_it_refuses_to_enrol_a_real_person_holding_a_demo_service_number() -> None:
    with PARTICIPANTS_FILE.open(encoding="utf-8", newline="") as handle:
        demo_row = next(csv.DictReader(handle))
    real = Person.objects.create(
        last_name="Koné",
        first_names="Awa",
        sex=Person.Sex.FEMALE,
        corps=Corps.objects.get(name=demo_row["corps"]),
        service_number=demo_row["service_number"],
    )
    with pytest.raises(CommandError, match=demo_row["service_number"]):
        run_demo()
    assert not real.enrollments.exists()
    assert not Workshop.objects.exists()


def test_the_demo_prints_the_address_kalan_public_url_gives(settings: Settings) -> None:
    settings.KALAN_PUBLIC_URL = "http://127.0.0.1:8101"

    out = run_demo()

    assert "Adresse : http://127.0.0.1:8101/" in out
    assert "8000" not in out


def test_make_run_with_a_port_gives_that_port_to_the_demo_and_the_server() -> None:
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "KALAN_PUBLIC_URL"}
    # -n: the commands make would run, none run; -o: the install is taken as done.
    command = ["make", "-n", "-s", "-C", str(root), "-o", ".venv/.installed", "run", "PORT=8101"]
    done = subprocess.run(  # noqa: S603 - make, with our own Makefile
        command, env=env, capture_output=True, text=True, check=True
    )

    lines = done.stdout.splitlines()
    demo = next(line for line in lines if "kalan demo" in line)
    serve = next(line for line in lines if "kalan serve" in line)
    assert 'KALAN_PUBLIC_URL="http://127.0.0.1:8101"' in demo
    assert "--port 8101" in serve
    assert "8000" not in done.stdout


def test_each_officer_served_in_their_unit_on_the_days_of_their_session() -> None:
    from kalan.people.selectors import posting_on

    run_demo()
    session = sevare_session()
    for enrollment in session.enrollments.select_related("person").filter(role="participant"):
        person = enrollment.person
        posting = posting_on(person=person, date=session.start_date)
        assert posting is not None, person
        assert (posting.unit_id, posting.rank_id) == (person.unit_id, person.rank_id)


@pytest.mark.parametrize(
    ("label", "expected"),
    [("Formateur", "formateur"), ("Membre du MNP", "membre du MNP"), ("NPM member", "NPM member")],
)
def test_a_role_in_a_sentence_is_lowered_but_an_acronym_kept(label: str, expected: str) -> None:
    from kalan.demo.programme import _lowered

    assert _lowered(label) == expected
