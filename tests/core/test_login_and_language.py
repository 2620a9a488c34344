"""The login page, the home page, and the French-first language switch."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from kalan.core.models import User
from kalan.workshops.models import Session
from tests.factories import PASSWORD, AttendanceFactory, EnrollmentFactory


def test_login_page_is_in_french_even_for_an_english_browser(db: None) -> None:
    response = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in body
    assert "Connexion" in body
    assert "Mot de passe" in body


def test_every_page_sends_an_anonymous_visitor_to_login(db: None, sevare_session: Session) -> None:
    for url in (
        reverse("home"),
        reverse("workshop_list"),
        reverse("session_detail", kwargs={"uid": sevare_session.uid}),
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_user_logs_in_with_the_password_and_lands_on_home(programme_officer: User) -> None:
    client = Client()
    response = client.post(
        reverse("login"), {"username": "programme_officer", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Sessions en cours et à venir" in response.content.decode()


def test_a_wrong_password_shows_a_french_error_and_no_session(programme_officer: User) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "programme_officer", "password": "x"})
    assert response.status_code == 200
    assert "mot de passe" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_the_switch_turns_the_interface_to_english_and_back(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(programme_officer)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("workshop_list")}, follow=True
    )
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Workshops" in body
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": reverse("workshop_list")}, follow=True
    )
    assert '<html lang="fr">' in response.content.decode()
    assert "Nouvel atelier" in response.content.decode()


def test_home_shows_coming_sessions_and_headline_numbers(
    programme_officer: User, client_for: Callable[[User], Client], sevare_session: Session
) -> None:
    # The factory session is in 2022: it is a recent one. Counted once present, not when invited.
    present = EnrollmentFactory(session=sevare_session)
    AttendanceFactory(enrollment=present, day=sevare_session.start_date)
    EnrollmentFactory(session=sevare_session)
    response = client_for(programme_officer).get(reverse("home"))
    assert response.status_code == 200
    headline = response.context["headline"]
    assert headline.persons_trained == 1
    assert headline.person_days == 1
    assert sevare_session in list(response.context["recent"])
    assert "Hôtel La Palmeraie" in response.content.decode()
