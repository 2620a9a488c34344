"""The restitution pages: a workshop's list (scoped, flat queries), record, correct, delete, the
photo served only in scope, and the relay's own phone page."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image
from pytest_django import DjangoAssertNumQueries, Settings

from kalan.core.models import User
from kalan.relays.models import Restitution, Source
from kalan.relays.phone import SESSION_KEY
from kalan.workshops.models import Enrollment, Session
from tests.factories import EnrollmentFactory, SessionFactory, UnitFactory, WorkshopFactory
from tests.relays.factories import RestitutionFactory, relay
from tests.relays.test_restitutions import GPS_IFD, jpeg_with_gps, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def trained(sevare_session: Session, trainer: User) -> Enrollment:
    """A relay of the Sévaré session, which the trainer runs."""
    sevare_session.trainers.add(trainer)
    return relay(sevare_session, last_name="Traoré", first_names="Fatoumata")


@pytest.fixture
def elsewhere(sevare_session: Session) -> Enrollment:
    """A relay of another session of the same workshop, not the trainer's."""
    return relay(SessionFactory(workshop=sevare_session.workshop), last_name="Keïta")


def form_data(enrollment: Enrollment, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "held_on": (enrollment.session.end_date + dt.timedelta(days=21)).strftime("%d/%m/%Y"),
        "unit": "",
        "place": "",
        "women": "3",
        "men": "9",
        "colleagues": "12",
        "families": "",
        "leaders": "",
        "population": "",
        "others": "",
        "duration_minutes": "60",
        "objectives": [str(o.pk) for o in enrollment.session.workshop.objectives.all()],
        "note": "Au rassemblement du matin.",
    }
    data.update(changes)
    return data


def list_url(enrollment: Enrollment) -> str:
    return reverse("workshop_restitutions", kwargs={"pk": enrollment.session.workshop_id})


# --- the workshop's list -------------------------------------------------------------------


def test_the_list_shows_the_latest_first_with_totals(
    trained: Enrollment,
    elsewhere: Enrollment,
    programme_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    end = trained.session.end_date
    RestitutionFactory(
        enrollment=trained, held_on=end + dt.timedelta(days=5), women=2, men=3, colleagues=5
    )
    RestitutionFactory(
        enrollment=elsewhere,
        held_on=end + dt.timedelta(days=40),
        women=10,
        men=0,
        colleagues=0,
        families=4,
        population=6,
    )
    response = client_for(programme_officer).get(list_url(trained))
    page = response.content.decode()
    assert response.status_code == 200
    assert [r.enrollment for r in response.context["restitutions"]] == [elsewhere, trained]
    assert str(elsewhere.person) in page and str(trained.person) in page
    totals = response.context["totals"]
    assert (totals.count, totals.relays, totals.women, totals.men) == (2, 2, 12, 3)
    assert (totals.colleagues, totals.families, totals.population) == (5, 4, 6)
    # A programme officer may record one for each relay of the workshop.
    assert reverse("restitution_create", kwargs={"uid": trained.uid}) in page
    assert reverse("restitution_create", kwargs={"uid": elsewhere.uid}) in page


def test_the_list_filters_by_session(
    trained: Enrollment,
    elsewhere: Enrollment,
    programme_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    RestitutionFactory(enrollment=trained)
    RestitutionFactory(enrollment=elsewhere)
    response = client_for(programme_officer).get(
        list_url(trained), {"session": str(elsewhere.session.uid)}
    )
    assert [r.enrollment for r in response.context["restitutions"]] == [elsewhere]
    assert response.context["totals"].count == 1


def test_a_trainer_sees_the_restitutions_of_their_sessions_only(
    trained: Enrollment,
    elsewhere: Enrollment,
    trainer: User,
    client_for: Callable[[User], Client],
) -> None:
    RestitutionFactory(enrollment=trained)
    hidden = RestitutionFactory(enrollment=elsewhere)
    client = client_for(trainer)
    response = client.get(list_url(trained))
    assert [r.enrollment for r in response.context["restitutions"]] == [trained]
    page = response.content.decode()
    assert "restitutions/nouvelle" not in page  # reads, never records
    assert client.get(reverse("restitution_edit", kwargs={"uid": hidden.uid})).status_code == 403


def test_a_trainer_of_another_workshop_finds_nothing(
    trained: Enrollment, client_for: Callable[[User], Client], trainer: User
) -> None:
    other = relay(SessionFactory(workshop=WorkshopFactory()))
    assert client_for(trainer).get(list_url(other)).status_code == 404


def test_roles_without_view_relays_are_refused(
    trained: Enrollment,
    communication_officer: User,
    finance_officer: User,
    donor_viewer: User,
    client_for: Callable[[User], Client],
) -> None:
    for user in (communication_officer, finance_officer, donor_viewer):
        assert client_for(user).get(list_url(trained)).status_code == 403


def test_the_list_runs_the_same_queries_for_3_or_30_restitutions(
    trained: Enrollment,
    elsewhere: Enrollment,
    programme_officer: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(programme_officer)
    for _ in range(3):
        RestitutionFactory(enrollment=trained)
    client.get(list_url(trained))  # the session, the user: warm
    with django_assert_max_num_queries(14) as few:
        client.get(list_url(trained))
    for n in range(27):
        RestitutionFactory(enrollment=relay(trained.session) if n % 3 else elsewhere)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(list_url(trained))
    assert response.context["totals"].count == 30


# --- record, correct, delete --------------------------------------------------------------


def test_the_programme_officer_records_a_restitution_with_a_photo(
    trained: Enrollment,
    programme_officer: User,
    client_for: Callable[[User], Client],
    media: Path,
) -> None:
    unit = UnitFactory()
    client = client_for(programme_officer)
    url = reverse("restitution_create", kwargs={"uid": trained.uid})
    assert client.get(url).status_code == 200
    response = client.post(
        url, {**form_data(trained, unit=str(unit.pk)), "photo": upload(jpeg_with_gps())}
    )
    assert response.status_code == 302
    assert response["Location"] == list_url(trained)
    restitution = Restitution.objects.get()
    assert (restitution.unit, restitution.source) == (unit, Source.STAFF)
    assert restitution.reported_by == programme_officer
    assert restitution.objectives.count() == 2
    assert (media / restitution.photo.name).exists()


def test_a_refused_form_says_why_at_the_field_and_saves_nothing(
    trained: Enrollment, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    url = reverse("restitution_create", kwargs={"uid": trained.uid})
    response = client_for(programme_officer).post(url, form_data(trained, women="7"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "16 personnes par sexe" in page and "12 par catégorie" in page
    response = client_for(programme_officer).post(
        url, {**form_data(trained), "photo": upload(b"not a photo", "feuille.txt")}
    )
    assert response.status_code == 400
    assert "« feuille.txt » n’est pas une photo" in response.content.decode()
    assert "Choisissez de nouveau la photo" in response.content.decode()
    assert not Restitution.objects.exists()


def test_a_large_audience_shows_the_confirmation_then_is_recorded(
    trained: Enrollment, monitoring_officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(monitoring_officer)
    url = reverse("restitution_create", kwargs={"uid": trained.uid})
    big = form_data(trained, women="120", men="180", colleagues="0", population="300")
    response = client.post(url, big)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Je confirme cet effectif" in page
    assert 'name="confirm_large"' in page
    assert not Restitution.objects.exists()
    assert client.post(url, {**big, "confirm_large": "on"}).status_code == 302
    assert Restitution.objects.get().large_confirmed


def test_the_confirmation_box_is_not_offered_before_it_is_needed(
    trained: Enrollment, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    url = reverse("restitution_create", kwargs={"uid": trained.uid})
    assert 'name="confirm_large"' not in client_for(programme_officer).get(url).content.decode()


def test_a_trainer_may_not_record_and_nobody_records_outside_their_scope(
    trained: Enrollment,
    trainer: User,
    programme_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    url = reverse("restitution_create", kwargs={"uid": trained.uid})
    assert client_for(trainer).post(url, form_data(trained)).status_code == 403
    absent = EnrollmentFactory(session=trained.session)  # enrolled, never present: no relay
    missing = reverse("restitution_create", kwargs={"uid": absent.uid})
    assert client_for(programme_officer).get(missing).status_code == 404
    assert not Restitution.objects.exists()


def test_staff_correct_then_delete_a_restitution(
    trained: Enrollment,
    programme_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    restitution = RestitutionFactory(enrollment=trained)
    client = client_for(programme_officer)
    edit = reverse("restitution_edit", kwargs={"uid": restitution.uid})
    page = client.get(edit).content.decode()
    assert 'value="60"' in page  # the duration as stored
    response = client.post(edit, form_data(trained, duration_minutes="150"))
    assert response.status_code == 302
    restitution.refresh_from_db()
    assert (restitution.duration_minutes, restitution.women) == (150, 3)
    delete = reverse("restitution_delete", kwargs={"uid": restitution.uid})
    assert client.get(delete).status_code == 200  # asks first
    assert Restitution.objects.exists()
    assert client.post(delete).status_code == 302
    assert not Restitution.objects.exists()


# --- the photo ---------------------------------------------------------------------------------


@pytest.fixture
def with_photo(trained: Enrollment) -> Restitution:
    from kalan.relays.services_restitutions import restitution_record

    return restitution_record(
        enrollment=trained,
        held_on=trained.session.end_date + dt.timedelta(days=3),
        unit=None,
        place=None,
        women=1,
        men=1,
        colleagues=2,
        families=0,
        leaders=0,
        population=0,
        others=0,
        duration_minutes=30,
        objectives=[],
        note="",
        photo=upload(jpeg_with_gps()),
        source=Source.PHONE,
        by=None,
    )


def test_the_photo_is_served_re_encoded_and_never_stored_by_caches(
    with_photo: Restitution,
    trainer: User,
    monitoring_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    url = reverse("restitution_photo", kwargs={"uid": with_photo.uid})
    for user in (trainer, monitoring_officer):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif().get_ifd(GPS_IFD)


def test_the_photo_is_refused_outside_the_scope_and_to_roles_without_view_relays(
    sevare_session: Session,
    trainer: User,
    communication_officer: User,
    client_for: Callable[[User], Client],
    with_photo: Restitution,
) -> None:
    url = reverse("restitution_photo", kwargs={"uid": with_photo.uid})
    assert client_for(communication_officer).get(url).status_code == 403
    sevare_session.trainers.remove(trainer)  # now a trainer of another session
    assert client_for(trainer).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_a_restitution_without_photo_has_no_photo_address(
    trained: Enrollment, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    restitution = RestitutionFactory(enrollment=trained)
    url = reverse("restitution_photo", kwargs={"uid": restitution.uid})
    assert client_for(programme_officer).get(url).status_code == 404


# --- the relay's phone page ---------------------------------------------------------------------


def phone_of(enrollment: Enrollment) -> Client:
    """A phone whose session remembers the relay, as the ``/r/`` join page leaves it."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = enrollment.pk
    session.save()
    return client


def test_the_phone_page_sends_a_phone_without_a_relay_to_the_join_page(db: None) -> None:
    response = Client().get(reverse("relay_restitution"))
    assert response.status_code == 302
    assert response["Location"] == reverse("relay_join")


def test_a_relay_reports_a_restitution_from_their_phone(trained: Enrollment, media: Path) -> None:
    phone = phone_of(trained)
    page = phone.get(reverse("relay_restitution"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script" not in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/*"' in html and "capture" in html
    response = phone.post(
        reverse("relay_restitution"), {**form_data(trained), "photo": upload(jpeg_with_gps())}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("relay_restitution_done")
    restitution = Restitution.objects.get()
    assert (restitution.source, restitution.reported_by) == (Source.PHONE, None)
    assert restitution.enrollment == trained
    assert (media / restitution.photo.name).exists()
    assert "Merci" in phone.get(reverse("relay_restitution_done")).content.decode()


def test_the_phone_page_refuses_a_future_date_in_plain_french(trained: Enrollment) -> None:
    future = (dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    response = phone_of(trained).post(
        reverse("relay_restitution"), form_data(trained, held_on=future)
    )
    assert response.status_code == 400
    assert "ne peut être dans le futur" in response.content.decode()
    assert not Restitution.objects.exists()


def test_the_phone_page_asks_to_confirm_a_large_audience(trained: Enrollment) -> None:
    phone = phone_of(trained)
    big = form_data(trained, women="100", men="150", colleagues="0", population="250")
    response = phone.post(reverse("relay_restitution"), big)
    assert response.status_code == 400
    assert "Je confirme cet effectif" in response.content.decode()
    assert (
        phone.post(reverse("relay_restitution"), {**big, "confirm_large": "on"}).status_code == 302
    )
    assert Restitution.objects.get().large_confirmed
