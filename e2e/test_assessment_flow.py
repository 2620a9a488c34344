"""A pre-test at the venue, end to end: the trainer builds and opens it, two participants answer
on their phones (JavaScript off: the pages must not need it), and the trainer follows who has sent
and then sees the results by objective."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import log_in, phone_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PAGE_LIMIT = 50_000

# Per objective: the question, its choices (text, correct) and its kind.
BANK = {
    ("CO-GAV", "Garanties de la garde à vue"): [
        (
            "single",
            "Combien de temps dure au plus la garde à vue sans prolongation ?",
            [("48 heures", True), ("72 heures", False), ("24 jours", False)],
        ),
        (
            "multiple",
            "Quels droits la personne gardée à vue peut-elle demander ?",
            [("Voir un médecin", True), ("Choisir son OPJ", False), ("Un avocat", True)],
        ),
    ],
    ("CO-TOR", "Prohibition absolue de la torture"): [
        (
            "true_false",
            "Un ordre d’un supérieur peut justifier la torture.",
            [("Vrai", False), ("Faux", True)],
        ),
        (
            "single",
            "Quel texte de 1984 interdit la torture ?",
            [("La Convention contre la torture", True), ("Le Code de la route", False)],
        ),
    ],
}


def _bank() -> None:
    from kalan.assessments.models import Choice, CurriculumObjective, Module, Question

    for order, ((code, text), questions) in enumerate(BANK.items(), start=1):
        objective = CurriculumObjective.objects.create(code=code, text=text, order=order)
        module = Module.objects.create(code=f"M{order}", title=text, objective=objective)
        for n, (kind, question_text, choices) in enumerate(questions, start=1):
            question = Question.objects.create(
                code=f"{code}-{n}", module=module, kind=kind, text=question_text
            )
            for position, (choice_text, correct) in enumerate(choices, start=1):
                Choice.objects.create(
                    question=question, order=position, text=choice_text, correct=correct
                )


def _phone(browser: Any) -> Any:
    return phone_context(browser, viewport=PHONE)


def _answer_everything(
    context: Any, url: str, access_code: str, participant_code: str, picks: list[list[str]]
) -> list[int]:
    """Join, tick ``picks`` (choice texts) question after question, send; return page sizes."""
    page = context.new_page()
    sizes: list[int] = []

    def weigh(response: Any) -> None:
        if "/t/" in response.url and response.status == 200:
            sizes.append(len(response.body()))

    page.on("response", weigh)
    page.goto(f"{url}/t/")
    page.get_by_label("Code du test").fill(access_code.lower())  # typed as it comes
    page.get_by_label("Votre code participant").fill(participant_code)
    page.get_by_role("button", name="Commencer").click()
    for n, texts in enumerate(picks, start=1):
        expect(page.locator("header")).to_contain_text(f"Question {n} sur {len(picks)}")
        for text in texts:
            page.get_by_label(text).check()
        page.get_by_role("button", name="Enregistrer et").click()
    expect(page.get_by_role("heading", name="Vos réponses")).to_be_visible()
    expect(page.locator(".yes")).to_have_count(len(picks))
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", name="Merci !")).to_be_visible()
    # Nothing sideways on a narrow screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.close()
    return sizes


def test_two_participants_answer_a_pre_test_and_the_trainer_sees_the_results(
    browser: Any, context: Any, page: Any, live_server: Any, officer: Any, sevare_session: Any
) -> None:
    from django.urls import reverse

    from kalan.assessments.models import Submission
    from kalan.workshops.models import Enrollment

    _bank()
    log_in(context, live_server, officer)

    # The trainer builds the pre-test from the bank, by objective, and opens it.
    page.goto(f"{live_server.url}/sessions/{sevare_session.uid}/")
    page.get_by_role("link", name="Pré-test, post-test et questionnaire de satisfaction").click()
    page.get_by_label("CO-GAV — Garanties de la garde à vue (2 questions)").check()
    page.get_by_label("CO-TOR — Prohibition absolue de la torture (2 questions)").check()
    page.get_by_role("button", name="Créer le test").click()
    expect(page.get_by_role("heading", name="Questions figées du test")).to_be_visible()
    page.get_by_role("button", name="Ouvrir le test").click()
    code = page.locator("#access-code").inner_text().strip()
    assert len(code) == 6
    expect(page.locator("#room-address")).to_have_text(f"{live_server.url}/t/")
    expect(page.locator("svg.qr")).to_be_visible()
    expect(page.locator("#live-not-started")).to_have_text("12")

    awa, moussa = Enrollment.objects.filter(session=sevare_session).order_by("code")[:2]
    first, second = _phone(browser), _phone(browser)
    try:
        # Awa knows it all; Moussa knows custody and nothing of the torture questions.
        sizes = _answer_everything(
            first,
            live_server.url,
            code,
            awa.code,
            [
                ["48 heures"],
                ["Voir un médecin", "Un avocat"],
                ["Faux"],
                ["La Convention contre la torture"],
            ],
        )
        sizes += _answer_everything(
            second,
            live_server.url,
            code,
            moussa.code,
            [
                ["48 heures"],
                ["Voir un médecin", "Un avocat"],
                ["Vrai"],
                ["Le Code de la route"],
            ],
        )
    finally:
        first.close()
        second.close()
    assert sizes and max(sizes) < PAGE_LIMIT

    # The room display follows without a reload (htmx polls the live list).
    expect(page.locator("#live-sent")).to_have_text("2", timeout=15_000)
    expect(page.locator("tr.state-sent")).to_have_count(2)
    assert Submission.objects.filter(submitted_at__isnull=False).count() == 2
    scores = sorted(Submission.objects.values_list("score", flat=True))
    assert scores == [2.0, 4.0]

    results_url = reverse("test_results", kwargs={"uid": Submission.objects.first().test.uid})
    page.get_by_role("link", name="Résultats").click()
    assert page.url == f"{live_server.url}{results_url}"
    objectives = page.locator("#objectives tbody tr")
    expect(objectives).to_have_count(2)
    # Weakest first: torture (50 %) before custody (100 %).
    expect(objectives.nth(0)).to_contain_text("CO-TOR")
    expect(objectives.nth(0)).to_contain_text("50")
    expect(objectives.nth(1)).to_contain_text("CO-GAV")
    expect(objectives.nth(1)).to_contain_text("100")
