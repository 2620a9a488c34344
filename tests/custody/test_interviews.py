"""Anonymous interviews: the service's rules (code, consent, notes), the journal that never
keeps the notes, and the pages (view_interviews only, a VIEW entry per reading, no-store)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.models import AuditEntry, User
from kalan.custody import services_interviews as service
from kalan.custody.errors import CustodyError
from kalan.custody.models import Interview, Visit
from kalan.custody.selectors_interviews import visit_interviews_context
from kalan.relays.models import CODE_ALPHABET
from tests.custody.builders_recommendations import visit

pytestmark = pytest.mark.django_db

NOTES = "La personne dit avoir passé deux nuits sans matelas."


def record(on: Visit, **changes: object) -> Interview:
    kwargs: dict[str, object] = {
        "visit": on,
        "code": "E-7K3Q",
        "consent": True,
        "allegation": False,
        "notes": NOTES,
        "by": None,
    }
    kwargs.update(changes)
    return service.interview_record(**kwargs)  # type: ignore[arg-type]


# --- the service ----------------------------------------------------------------------------


def test_a_code_is_stored_upper_cased_and_stripped() -> None:
    interview = record(visit(), code="  e-7k3q ")
    assert interview.code == "E-7K3Q"


@pytest.mark.parametrize("code", ["AB", "A" * 21, "É-123", "E 7K3Q", "E_7K3Q", ""])
def test_a_code_outside_the_format_is_refused(code: str) -> None:
    with pytest.raises(CustodyError) as refused:
        record(visit(), code=code)
    assert (refused.value.code, refused.value.field) == ("code_format", "code")
    assert not Interview.objects.exists()


def test_a_code_is_unique_across_all_visits() -> None:
    record(visit())
    with pytest.raises(CustodyError) as refused:
        record(visit(), code="e-7k3q")
    assert (refused.value.code, refused.value.field) == ("code_reused", "code")
    assert "déjà utilisé" in str(refused.value)
    assert Interview.objects.count() == 1


def test_without_consent_nothing_is_recorded() -> None:
    with pytest.raises(CustodyError) as refused:
        record(visit(), consent=False)
    assert (refused.value.code, refused.value.field) == ("no_consent", "consent")
    assert not Interview.objects.exists()


def test_empty_notes_are_refused() -> None:
    with pytest.raises(CustodyError) as refused:
        record(visit(), notes="   ")
    assert (refused.value.code, refused.value.field) == ("notes_empty", "notes")


def test_a_cancelled_visit_takes_no_interview() -> None:
    with pytest.raises(CustodyError) as refused:
        record(visit(status=Visit.Status.CANCELLED))
    assert refused.value.code == "visit_cancelled"


def test_an_update_may_keep_its_own_code_but_not_take_another() -> None:
    on = visit()
    first = record(on)
    record(on, code="E-2222")
    service.interview_update(interview=first, code="E-7K3Q", allegation=True, notes="Autres.")
    first.refresh_from_db()
    assert (first.allegation, first.notes) == (True, "Autres.")
    with pytest.raises(CustodyError) as refused:
        service.interview_update(interview=first, code="E-2222", allegation=True, notes="x")
    assert refused.value.code == "code_reused"
    first.refresh_from_db()
    assert first.code == "E-7K3Q"


def test_a_suggested_code_is_fresh_and_from_the_alphabet_read_aloud() -> None:
    code = service.interview_code_suggest()
    assert re.fullmatch(rf"E-[{CODE_ALPHABET}]{{4}}", code)
    assert service.CODE_RE.match(code)


def test_the_journal_never_keeps_the_notes() -> None:
    interview = record(visit())
    service.interview_update(
        interview=interview, code=interview.code, allegation=True, notes="Nouveaux propos."
    )
    entries = AuditEntry.objects.filter(object_uid=interview.uid)
    created = entries.get(action=AuditEntry.Action.CREATE)
    updated = entries.get(action=AuditEntry.Action.UPDATE)
    assert created.changes["notes"] == "***"
    assert updated.changes["notes"] == ["***", "***"]
    journal = str(list(entries.values_list("changes", "detail", "object_repr")))
    assert NOTES not in journal and "Nouveaux propos" not in journal


# --- the visit page's section ---------------------------------------------------------------


def test_the_section_lists_codes_for_the_npm_and_counts_only_for_others(
    npm_monitor: User, monitoring_officer: User, programme_officer: User
) -> None:
    on = visit()
    record(on, allegation=True)
    record(on, code="E-2222")
    full = visit_interviews_context(visit=on, user=npm_monitor)
    assert [i.code for i in full["interviews"]] == ["E-2222", "E-7K3Q"]
    assert full["interview_counts"] == {"total": 2, "allegations": 1}
    for reader in (monitoring_officer, programme_officer):
        counts = visit_interviews_context(visit=on, user=reader)
        assert counts["interviews"] == [] and not counts["interviews_readable"]
        assert counts["interview_counts"] == {"total": 2, "allegations": 1}
        assert not counts["interview_can_add"]


# --- the pages ------------------------------------------------------------------------------


@pytest.fixture
def npm(npm_monitor: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(npm_monitor)


def test_the_create_page_suggests_a_code_and_warns_against_identifying(npm: Client) -> None:
    on = visit()
    response = npm.get(reverse("interview_create", kwargs={"uid": on.uid}))
    page = response.content.decode()
    assert response.status_code == 200
    suggested = re.search(r'name="code" value="(E-[A-Z0-9]{4})"', page)
    assert suggested, "a fresh code is offered"
    assert "ni son nom, ni son surnom, ni son numéro de matricule" in page


def test_create_through_the_page_then_back_to_the_visit(npm: Client, npm_monitor: User) -> None:
    on = visit()
    response = npm.post(
        reverse("interview_create", kwargs={"uid": on.uid}),
        {"code": "k-9ab", "consent": "on", "allegation": "on", "notes": NOTES},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("visit", kwargs={"uid": on.uid})
    interview = Interview.objects.get()
    assert (interview.code, interview.allegation, interview.recorded_by) == (
        "K-9AB",
        True,
        npm_monitor,
    )


def test_the_page_shows_a_refusal_at_its_field(npm: Client) -> None:
    on = visit()
    record(on)
    response = npm.post(
        reverse("interview_create", kwargs={"uid": on.uid}),
        {"code": "E-7K3Q", "consent": "", "notes": NOTES},
    )
    assert response.status_code == 400
    assert "déjà utilisé" in response.content.decode()
    response = npm.post(
        reverse("interview_create", kwargs={"uid": on.uid}),
        {"code": "E-NEW1", "notes": NOTES},
    )
    assert response.status_code == 400
    assert "consentement éclairé" in response.content.decode()
    assert Interview.objects.count() == 1


def test_each_reading_is_journaled_and_the_page_is_never_stored(npm: Client) -> None:
    interview = record(visit())
    url = reverse("interview", kwargs={"uid": interview.uid})
    for _ in range(2):
        response = npm.get(url)
        assert response.status_code == 200
        assert NOTES in response.content.decode()
        assert "no-store" in response["Cache-Control"]
    views = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, object_uid=interview.uid)
    assert views.count() == 2
    assert {entry.actor_name for entry in views} == {"npm_monitor"}
    assert all(NOTES not in str(entry.changes) + str(entry.detail) for entry in views)


def test_the_edit_page_keeps_the_consent_and_saves(npm: Client) -> None:
    interview = record(visit())
    url = reverse("interview_edit", kwargs={"uid": interview.uid})
    form = npm.get(url).content.decode()
    assert 'name="consent"' not in form
    # The form shows the notes: opening it is a reading, journaled as the page's are.
    assert NOTES in form
    views = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, object_uid=interview.uid)
    assert views.count() == 1
    response = npm.post(url, {"code": "E-7K3Q", "allegation": "on", "notes": "Complété."})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert (interview.allegation, interview.notes, interview.consent) == (True, "Complété.", True)
    assert views.count() == 1  # saving is journaled as an update, not as a reading


@pytest.mark.parametrize("name", ["interview", "interview_edit", "interview_create"])
def test_a_forged_uid_is_not_found(npm: Client, name: str) -> None:
    assert npm.get(reverse(name, kwargs={"uid": uuid.uuid4()})).status_code == 404


def test_monitoring_reads_no_interview_page_and_no_code_on_the_visit(
    monitoring_officer: User, client_for: Callable[[User], Client]
) -> None:
    on = visit()
    interview = record(on, allegation=True)
    client = client_for(monitoring_officer)
    assert client.get(reverse("interview", kwargs={"uid": interview.uid})).status_code == 403
    page = client.get(reverse("visit", kwargs={"uid": on.uid})).content.decode()
    assert "E-7K3Q" not in page and NOTES not in page
    assert "1 personne entendue en privé" in page
    assert "dont 1 fait état de mauvais traitements" in page
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).exists()


def test_the_counts_read_as_french_with_no_allegation_and_with_no_interview(
    monitoring_officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(monitoring_officer)
    quiet, empty = visit(), visit()
    record(quiet)
    page = client.get(reverse("visit", kwargs={"uid": quiet.uid})).content.decode()
    assert "1 personne entendue en privé," in page
    assert "aucune ne fait état de mauvais traitements." in page and "dont 0" not in page
    page = client.get(reverse("visit", kwargs={"uid": empty.uid})).content.decode()
    assert "Aucun entretien enregistré pour cette visite." in page
    assert "0 personne" not in page


def test_the_npm_sees_the_codes_on_the_visit_page(npm: Client) -> None:
    on = visit()
    interview = record(on)
    page = npm.get(reverse("visit", kwargs={"uid": on.uid})).content.decode()
    assert reverse("interview", kwargs={"uid": interview.uid}) in page
    assert "E-7K3Q" in page and NOTES not in page
    assert reverse("interview_create", kwargs={"uid": on.uid}) in page
