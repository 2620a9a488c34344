"""Workshops, sessions, enrollment and attendance services: every write and the rules it keeps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kalan.assessments.models import CurriculumObjective
from kalan.core.models import User
from kalan.people.models import Person
from kalan.plans.models import Axis
from kalan.workshops import services
from kalan.workshops.errors import WorkshopError
from kalan.workshops.models import Attendance, Enrollment, Funding, Objective, Session, Workshop
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    PartnerFactory,
    PersonFactory,
    SessionFactory,
    WorkshopFactory,
    corps,
    place,
    rank,
)

pytestmark = pytest.mark.django_db

NOV_8, NOV_9, NOV_10, NOV_11 = (dt.date(2022, 11, day) for day in (8, 9, 10, 11))
AM, PM, DAY = Attendance.Half.MORNING, Attendance.Half.AFTERNOON, Attendance.Half.DAY


def enrol(session: Session, **kwargs: object) -> Enrollment:
    return services.enrollment_create(session=session, person=PersonFactory(), **kwargs)


# Workshops ----------------------------------------------------------------------------------------


def test_workshop_create_keeps_objectives_in_the_order_given(axis: Axis) -> None:
    workshop = services.workshop_create(
        axis=axis,
        title="  Droits de l’homme et garde à vue ",
        general_objective="Renforcer les capacités des OPJ.",
        objectives=["Connaître l’article 76", "  ", "Respecter les délais", "Tenir le registre"],
    )

    assert workshop.title == "Droits de l’homme et garde à vue"
    assert list(workshop.objectives.values_list("order", "text")) == [
        (1, "Connaître l’article 76"),
        (2, "Respecter les délais"),
        (3, "Tenir le registre"),
    ]


def test_workshop_create_records_funders_with_their_amounts(axis: Axis) -> None:
    eucap = PartnerFactory(name="EUCAP Sahel Mali", acronym="EUCAP")
    pnud = PartnerFactory(name="Programme des Nations unies pour le développement")

    workshop = services.workshop_create(
        axis=axis,
        title="Atelier de Sévaré",
        general_objective="Renforcer les capacités des OPJ.",
        fundings=[(eucap, 12_500_000), (pnud, 3_000_000)],
    )

    assert set(workshop.fundings.values_list("partner__acronym", "amount")) == {
        ("EUCAP", 12_500_000),
        ("", 3_000_000),
    }
    assert set(workshop.funders.all()) == {eucap, pnud}


def test_workshop_create_refuses_a_funder_listed_twice_and_saves_nothing(axis: Axis) -> None:
    eucap = PartnerFactory(name="EUCAP Sahel Mali", acronym="EUCAP")

    with pytest.raises(WorkshopError) as caught:
        services.workshop_create(
            axis=axis,
            title="Atelier de Sévaré",
            general_objective="Renforcer les capacités des OPJ.",
            objectives=["Connaître l’article 76"],
            fundings=[(eucap, 1_000_000), (eucap, 2_000_000)],
        )

    assert caught.value.code == "duplicate_funder"
    assert caught.value.field == "fundings"
    assert not Workshop.objects.exists()
    assert not Objective.objects.exists()
    assert not Funding.objects.exists()


def test_workshop_create_refuses_an_empty_title_at_its_field(axis: Axis) -> None:
    with pytest.raises(ValidationError) as caught:
        services.workshop_create(axis=axis, title="   ", general_objective="Renforcer.")

    assert "title" in caught.value.message_dict
    assert not Workshop.objects.exists()


def test_workshop_update_replaces_objectives_and_funders(workshop: Workshop) -> None:
    old, new = PartnerFactory(), PartnerFactory()
    services.workshop_update(
        workshop=workshop,
        axis=workshop.axis,
        title=workshop.title,
        general_objective=workshop.general_objective,
        objectives=["Premier", "Second"],
        fundings=[(old, 100)],
    )

    services.workshop_update(
        workshop=workshop,
        axis=workshop.axis,
        title="Nouvel intitulé",
        general_objective=workshop.general_objective,
        objectives=["Unique"],
        fundings=[(new, 200)],
    )

    workshop.refresh_from_db()
    assert workshop.title == "Nouvel intitulé"
    assert list(workshop.objectives.values_list("order", "text")) == [(1, "Unique")]
    assert list(workshop.fundings.values_list("partner", "amount")) == [(new.pk, 200)]


def test_workshop_update_keeps_the_objective_rows_and_their_curriculum_links(
    workshop: Workshop,
) -> None:
    first, second = workshop.objectives.order_by("order")
    curriculum = CurriculumObjective.objects.create(code="O1", order=1, text="Les droits")
    curriculum.workshop_objectives.add(first)

    services.workshop_update(
        workshop=workshop,
        axis=workshop.axis,
        title=workshop.title,
        general_objective=workshop.general_objective,
        objectives=[first.text, second.text],
        objectives_en=["Know the rights of a person in custody."],
    )

    assert list(workshop.objectives.order_by("order")) == [first, second]
    assert list(curriculum.workshop_objectives.all()) == [first]
    assert list(workshop.objectives.values_list("text_en", flat=True)) == [
        "Know the rights of a person in custody.",
        "",
    ]


def test_workshop_update_with_a_duplicate_funder_keeps_the_previous_version(
    workshop: Workshop,
) -> None:
    partner = PartnerFactory()
    objectives_before = list(workshop.objectives.values_list("order", "text"))

    with pytest.raises(WorkshopError):
        services.workshop_update(
            workshop=workshop,
            axis=workshop.axis,
            title="Changé",
            general_objective=workshop.general_objective,
            objectives=["Autre"],
            fundings=[(partner, 1), (partner, 2)],
        )

    workshop.refresh_from_db()
    assert workshop.title != "Changé"
    assert list(workshop.objectives.values_list("order", "text")) == objectives_before


# Sessions -----------------------------------------------------------------------------------------


def session_create(workshop: Workshop, **kwargs: object) -> Session:
    fields: dict[str, object] = {
        "place": place("Sévaré"),
        "venue": "Hôtel La Palmeraie",
        "start_date": NOV_8,
        "end_date": NOV_10,
        "capacity": 40,
    }
    fields.update(kwargs)
    return services.session_create(workshop=workshop, **fields)


def test_sessions_are_numbered_in_order_within_their_workshop(workshop: Workshop) -> None:
    first = session_create(workshop)
    second = session_create(workshop, place=place("Mopti"))
    other = session_create(WorkshopFactory())

    assert (first.number, second.number) == (1, 2)
    assert other.number == 1


def test_session_numbering_follows_the_highest_number_not_the_count(workshop: Workshop) -> None:
    SessionFactory(workshop=workshop, number=1)
    SessionFactory(workshop=workshop, number=5)

    assert session_create(workshop).number == 6


def test_session_create_strips_the_venue_and_keeps_rates(workshop: Workshop) -> None:
    session = session_create(
        workshop, venue="  Hôtel La Palmeraie ", per_diem_rate=25_000, transport_rate=15_000
    )

    session.refresh_from_db()
    assert session.venue == "Hôtel La Palmeraie"
    assert (session.per_diem_rate, session.transport_rate) == (25_000, 15_000)


def test_session_create_refuses_an_end_date_before_the_start_date(workshop: Workshop) -> None:
    with pytest.raises(ValidationError) as caught:
        session_create(workshop, start_date=NOV_10, end_date=NOV_8)

    assert list(caught.value.error_dict) == ["end_date"]
    assert caught.value.error_dict["end_date"][0].code == "end_before_start"
    assert not Session.objects.exists()


def test_a_one_day_session_is_accepted(workshop: Workshop) -> None:
    session = session_create(workshop, start_date=NOV_8, end_date=NOV_8)

    assert session.days == [NOV_8]


def test_session_create_refuses_a_capacity_of_zero_at_its_field(workshop: Workshop) -> None:
    with pytest.raises(ValidationError) as caught:
        session_create(workshop, capacity=0)

    assert list(caught.value.error_dict) == ["capacity"]
    assert not Session.objects.exists()


def test_full_clean_puts_end_before_start_at_end_date(sevare_session: Session) -> None:
    sevare_session.end_date = NOV_8 - dt.timedelta(days=1)

    with pytest.raises(ValidationError) as caught:
        sevare_session.full_clean()

    assert list(caught.value.error_dict) == ["end_date"]


def test_session_update_changes_dates_when_no_attendance_is_left_outside(
    sevare_session: Session,
) -> None:
    AttendanceFactory(enrollment=EnrollmentFactory(session=sevare_session), day=NOV_9)

    services.session_update(session=sevare_session, start_date=NOV_9, end_date=NOV_11)

    sevare_session.refresh_from_db()
    assert (sevare_session.start_date, sevare_session.end_date) == (NOV_9, NOV_11)


def test_session_update_refuses_dates_that_would_leave_attendance_outside(
    sevare_session: Session,
) -> None:
    AttendanceFactory(enrollment=EnrollmentFactory(session=sevare_session), day=NOV_8)

    with pytest.raises(WorkshopError) as caught:
        services.session_update(session=sevare_session, start_date=NOV_9, end_date=NOV_11)

    assert caught.value.code == "attendance_outside_dates"
    sevare_session.refresh_from_db()
    assert (sevare_session.start_date, sevare_session.end_date) == (NOV_8, NOV_10)


def test_session_update_refuses_to_shorten_the_end_past_recorded_attendance(
    sevare_session: Session,
) -> None:
    AttendanceFactory(enrollment=EnrollmentFactory(session=sevare_session), day=NOV_10)

    with pytest.raises(WorkshopError) as caught:
        services.session_update(session=sevare_session, end_date=NOV_9)

    assert caught.value.code == "attendance_outside_dates"


def test_session_update_refuses_switching_to_half_days_once_attendance_is_taken(
    sevare_session: Session,
) -> None:
    AttendanceFactory(enrollment=EnrollmentFactory(session=sevare_session), day=NOV_8, half=DAY)

    with pytest.raises(WorkshopError) as caught:
        services.session_update(session=sevare_session, half_days=True)

    assert (caught.value.code, caught.value.field) == ("attendance_other_halves", "half_days")
    sevare_session.refresh_from_db()
    assert sevare_session.half_days is False


def test_session_update_switches_to_half_days_before_any_attendance(
    sevare_session: Session,
) -> None:
    services.session_update(session=sevare_session, half_days=True)

    sevare_session.refresh_from_db()
    assert sevare_session.halves == [AM, PM]


def test_session_update_refuses_an_end_date_before_the_start_date(
    sevare_session: Session,
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.session_update(session=sevare_session, end_date=NOV_8 - dt.timedelta(days=1))

    assert "end_date" in caught.value.error_dict
    sevare_session.refresh_from_db()
    assert sevare_session.end_date == NOV_10


def test_session_update_refuses_fields_it_does_not_manage(sevare_session: Session) -> None:
    with pytest.raises(TypeError):
        services.session_update(session=sevare_session, number=7)


# Enrollment ---------------------------------------------------------------------------------------


def test_enrollment_create_records_role_status_and_who_enrolled(
    sevare_session: Session, programme_officer: User
) -> None:
    person = PersonFactory()

    enrollment = services.enrollment_create(
        session=sevare_session,
        person=person,
        role=Enrollment.Role.OBSERVER,
        status=Enrollment.Status.INVITED,
        by=programme_officer,
    )

    enrollment.refresh_from_db()
    assert enrollment.person == person
    assert enrollment.role == Enrollment.Role.OBSERVER
    assert enrollment.status == Enrollment.Status.INVITED
    assert enrollment.enrolled_by == programme_officer
    assert enrollment.over_capacity is False


def test_a_second_enrollment_of_the_same_person_is_refused(sevare_session: Session) -> None:
    person = PersonFactory()
    services.enrollment_create(session=sevare_session, person=person)

    with pytest.raises(WorkshopError) as caught:
        services.enrollment_create(
            session=sevare_session, person=person, role=Enrollment.Role.FACILITATOR
        )

    assert (caught.value.code, caught.value.field) == ("already_enrolled", "person")
    assert sevare_session.enrollments.count() == 1


def test_a_person_already_in_a_full_session_is_told_so_not_that_it_is_full() -> None:
    session = SessionFactory(capacity=1)
    enrollment = enrol(session)

    with pytest.raises(WorkshopError) as caught:
        services.enrollment_create(session=session, person=enrollment.person)

    assert caught.value.code == "already_enrolled"


def test_an_enrollment_that_loses_a_race_for_the_same_person_is_refused_cleanly(
    sevare_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = PersonFactory()
    full_clean = Enrollment.full_clean

    def other_request_wins_then_clean(self: Enrollment, *args: object, **kwargs: object) -> None:
        Enrollment.objects.create(session=self.session, person=self.person)
        full_clean(self, *args, **kwargs)

    monkeypatch.setattr(Enrollment, "full_clean", other_request_wins_then_clean)

    with pytest.raises(WorkshopError) as caught:
        services.enrollment_create(session=sevare_session, person=person)

    assert caught.value.code == "already_enrolled"
    # The rival row was written inside the service's transaction here, so it was rolled back with
    # it; what matters is that the failed insert left the connection usable (PostgreSQL would
    # refuse every further query of an aborted transaction).
    assert sevare_session.enrollments.count() == 0


def test_a_withdrawn_person_cannot_be_enrolled_a_second_time(sevare_session: Session) -> None:
    enrollment = EnrollmentFactory(session=sevare_session, status=Enrollment.Status.WITHDRAWN)

    with pytest.raises(WorkshopError) as caught:
        services.enrollment_create(session=sevare_session, person=enrollment.person)

    assert caught.value.code == "already_enrolled"


def test_the_same_person_may_enrol_in_another_session(sevare_session: Session) -> None:
    person = PersonFactory()
    services.enrollment_create(session=sevare_session, person=person)

    services.enrollment_create(
        session=SessionFactory(workshop=sevare_session.workshop), person=person
    )

    assert person.enrollments.count() == 2


def test_enrollment_past_capacity_is_refused_without_override() -> None:
    session = SessionFactory(capacity=2)
    enrol(session)
    enrol(session)

    with pytest.raises(WorkshopError) as caught:
        enrol(session)

    assert caught.value.code == "over_capacity"
    assert caught.value.field == "allow_over_capacity"
    assert session.enrollments.count() == 2


def test_enrollment_past_capacity_with_override_is_flagged() -> None:
    session = SessionFactory(capacity=1)
    within = enrol(session)

    beyond = enrol(session, allow_over_capacity=True)

    assert within.over_capacity is False
    beyond.refresh_from_db()
    assert beyond.over_capacity is True


def test_the_override_does_not_flag_an_enrollment_within_capacity() -> None:
    session = SessionFactory(capacity=2)

    enrollment = enrol(session, allow_over_capacity=True)

    assert enrollment.over_capacity is False


def test_facilitators_do_not_count_against_capacity() -> None:
    session = SessionFactory(capacity=1)
    for role in (Enrollment.Role.FACILITATOR, Enrollment.Role.ORGANISER, Enrollment.Role.OBSERVER):
        enrol(session, role=role)

    participant = enrol(session)

    assert participant.over_capacity is False


def test_a_facilitator_can_join_a_full_session_without_override() -> None:
    session = SessionFactory(capacity=1)
    enrol(session)

    facilitator = enrol(session, role=Enrollment.Role.FACILITATOR)

    assert facilitator.over_capacity is False


def test_withdrawn_participants_free_their_seat() -> None:
    session = SessionFactory(capacity=1)
    first = enrol(session)
    first.status = Enrollment.Status.WITHDRAWN
    first.save()

    second = enrol(session)

    assert second.over_capacity is False


def test_no_show_participants_keep_their_seat() -> None:
    session = SessionFactory(capacity=1)
    enrol(session, status=Enrollment.Status.NO_SHOW)

    with pytest.raises(WorkshopError) as caught:
        enrol(session)

    assert caught.value.code == "over_capacity"


def test_enrollment_create_refuses_an_unknown_role(sevare_session: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        enrol(sevare_session, role="speaker")

    assert "role" in caught.value.message_dict
    assert not Enrollment.objects.exists()


def test_enrollment_create_with_person_records_both(sevare_session: Session) -> None:
    gendarmerie = corps("Gendarmerie")

    enrollment = services.enrollment_create_with_person(
        session=sevare_session,
        person_fields={
            "last_name": "Traoré",
            "first_names": "Aïssata",
            "sex": Person.Sex.FEMALE,
            "corps": gendarmerie,
            "rank": rank("Gendarmerie", "Adjudant"),
            "service_number": "G-2211",
        },
    )

    assert enrollment.session == sevare_session
    assert enrollment.person.service_number == "G-2211"
    assert Person.objects.get(service_number="G-2211").enrollments.get() == enrollment


def test_enrollment_create_with_person_saves_neither_when_the_enrollment_fails() -> None:
    session = SessionFactory(capacity=1)
    enrol(session)
    persons_before = Person.objects.count()

    with pytest.raises(WorkshopError) as caught:
        services.enrollment_create_with_person(
            session=session,
            person_fields={"last_name": "Maïga", "first_names": "Oumar", "sex": Person.Sex.MALE},
        )

    assert caught.value.code == "over_capacity"
    assert Person.objects.count() == persons_before
    assert not Person.objects.filter(last_name="Maïga", first_names="Oumar").exists()
    assert session.enrollments.count() == 1


def test_enrollment_create_with_person_saves_neither_when_the_person_is_invalid(
    sevare_session: Session,
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.enrollment_create_with_person(
            session=sevare_session,
            person_fields={
                "last_name": "Maïga",
                "first_names": "Oumar",
                "sex": Person.Sex.MALE,
                "corps": corps("Gendarmerie"),
                "rank": rank("Police", "Commissaire de police"),
            },
        )

    assert "rank" in caught.value.message_dict
    assert not Person.objects.exists()
    assert not Enrollment.objects.exists()


# Attendance ---------------------------------------------------------------------------------------


def test_attendance_set_marks_a_person_present_and_records_who_marked(
    sevare_session: Session, trainer: User
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)

    present = services.attendance_set(enrollment=enrollment, day=NOV_9, present=True, by=trainer)

    assert present is True
    attendance = enrollment.attendances.get()
    assert (attendance.day, attendance.half, attendance.marked_by) == (NOV_9, DAY, trainer)


def test_attendance_set_present_twice_keeps_one_mark(sevare_session: Session) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)

    services.attendance_set(enrollment=enrollment, day=NOV_9, present=True)
    services.attendance_set(enrollment=enrollment, day=NOV_9, present=True)

    assert enrollment.attendances.count() == 1


def test_attendance_set_absent_removes_the_mark_and_is_harmless_when_none(
    sevare_session: Session,
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    AttendanceFactory(enrollment=enrollment, day=NOV_9)
    AttendanceFactory(enrollment=enrollment, day=NOV_10)

    services.attendance_set(enrollment=enrollment, day=NOV_9, present=False)
    services.attendance_set(enrollment=enrollment, day=NOV_9, present=False)

    assert list(enrollment.attendances.values_list("day", flat=True)) == [NOV_10]


@pytest.mark.parametrize("day", [dt.date(2022, 11, 7), NOV_11])
def test_attendance_on_a_day_outside_the_session_is_refused(
    sevare_session: Session, day: dt.date
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)

    with pytest.raises(WorkshopError) as caught:
        services.attendance_set(enrollment=enrollment, day=day, present=True)

    assert (caught.value.code, caught.value.field) == ("day_outside_session", "day")
    assert not Attendance.objects.exists()


def test_attendance_toggle_on_a_day_outside_the_session_is_refused(
    sevare_session: Session,
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)

    with pytest.raises(WorkshopError) as caught:
        services.attendance_toggle(enrollment=enrollment, day=NOV_11)

    assert caught.value.code == "day_outside_session"
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("half", [AM, PM, "evening"])
def test_half_day_marks_are_refused_for_a_whole_day_session(
    sevare_session: Session, half: str
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)

    with pytest.raises(WorkshopError) as caught:
        services.attendance_set(enrollment=enrollment, day=NOV_9, half=half, present=True)

    assert (caught.value.code, caught.value.field) == ("wrong_half", "half")
    assert not Attendance.objects.exists()


def test_whole_day_marks_are_refused_for_a_half_day_session() -> None:
    enrollment = EnrollmentFactory(session=SessionFactory(half_days=True))

    with pytest.raises(WorkshopError) as caught:
        services.attendance_set(enrollment=enrollment, day=NOV_9, half=DAY, present=True)

    assert caught.value.code == "wrong_half"
    assert not Attendance.objects.exists()


def test_a_half_day_session_takes_morning_and_afternoon_separately() -> None:
    enrollment = EnrollmentFactory(session=SessionFactory(half_days=True))

    services.attendance_set(enrollment=enrollment, day=NOV_9, half=AM, present=True)
    services.attendance_set(enrollment=enrollment, day=NOV_9, half=PM, present=True)

    assert set(enrollment.attendances.values_list("half", flat=True)) == {AM, PM}


def test_attendance_toggle_flips_presence(sevare_session: Session, trainer: User) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)

    first = services.attendance_toggle(enrollment=enrollment, day=NOV_8, by=trainer)
    marked = enrollment.attendances.filter(day=NOV_8).exists()
    second = services.attendance_toggle(enrollment=enrollment, day=NOV_8, by=trainer)

    assert (first, marked) == (True, True)
    assert second is False
    assert not enrollment.attendances.exists()


def test_attendance_toggle_only_touches_its_own_period() -> None:
    enrollment = EnrollmentFactory(session=SessionFactory(half_days=True))
    AttendanceFactory(enrollment=enrollment, day=NOV_8, half=AM)

    services.attendance_toggle(enrollment=enrollment, day=NOV_8, half=PM)

    assert set(enrollment.attendances.values_list("half", flat=True)) == {AM, PM}


def test_attendance_set_after_toggle_changes_nothing(sevare_session: Session) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    services.attendance_toggle(enrollment=enrollment, day=NOV_9)

    again = services.attendance_set(enrollment=enrollment, day=NOV_9, present=True)

    assert again is True
    assert enrollment.attendances.count() == 1
    services.attendance_toggle(enrollment=enrollment, day=NOV_9)
    assert services.attendance_set(enrollment=enrollment, day=NOV_9, present=False) is False
    assert not enrollment.attendances.exists()
