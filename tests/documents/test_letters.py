"""Invitation letters to the commands: what they say, how they are numbered, what they refuse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kalan.core.forms import SignatoryFormSet
from kalan.core.models import NumberBlock, Organisation, Signatory
from kalan.documents import services
from kalan.documents.errors import DocumentError
from kalan.documents.letters import appellation
from kalan.documents.models import Addressee, Letter
from kalan.workshops.models import Session
from tests.documents.correspondence import (  # noqa: F401
    DATED,
    funded,
    gendarmerie_segou,
    issue,
    media,
    police_mopti,
    president,
)
from tests.documents.readers import docx_text, pdf_pages

pytestmark = pytest.mark.usefixtures("media")


def _read(field: Any) -> bytes:
    with field.open("rb") as handle:
        return bytes(handle.read())


def test_a_letter_says_who_how_many_when_where_by_when_and_who_signs(
    funded: Session,  # noqa: F811
    police_mopti: Addressee,  # noqa: F811
    president: Signatory,  # noqa: F811
) -> None:
    [letter] = issue(funded, [police_mopti])
    for text in (" ".join(pdf_pages(_read(letter.pdf))), docx_text(_read(letter.docx))):
        flat = " ".join(text.split())
        assert "N° 0001/CNDH/SG/2022" in flat
        assert "RÉPUBLIQUE DU MALI" in flat
        assert "Bamako, le 14 octobre 2022" in flat
        assert "Monsieur le Directeur régional de la Police nationale" in flat
        assert "Direction régionale de la Police de Mopti" in flat
        assert "Commissaire divisionnaire Moussa Diallo" in flat
        assert "Objet :" in flat
        assert "désigner quatre (04) agents" in flat
        assert "les 8, 9 et 10 novembre 2022" in flat
        assert "Sévaré (Hôtel La Palmeraie)" in flat
        assert "au plus tard le 28 octobre 2022" in flat
        assert "un per diem de 25 000 francs CFA par jour" in flat
        assert "EUCAP Sahel Mali" in flat
        assert "Monsieur le Directeur régional," in flat
        assert "Le Président" in flat and "Adama Coulibaly" in flat
    assert letter.officers_requested == 4
    assert letter.signatory_name == "Adama Coulibaly"


def test_the_appellation_is_the_title_without_its_complement() -> None:
    assert appellation("Monsieur le Directeur régional de la Police nationale") == (
        "Monsieur le Directeur régional"
    )
    assert appellation("Monsieur le Commandant de la Région de gendarmerie de Ségou") == (
        "Monsieur le Commandant"
    )
    assert (
        appellation("Madame la Directrice régionale du Budget") == "Madame la Directrice régionale"
    )


def test_the_letters_of_a_round_follow_each_other_in_the_register_without_gap_or_double(
    funded: Session,  # noqa: F811
    police_mopti: Addressee,  # noqa: F811
    gendarmerie_segou: Addressee,  # noqa: F811
    president: Signatory,  # noqa: F811
) -> None:
    first = issue(funded, [police_mopti, gendarmerie_segou])
    second = issue(funded, [gendarmerie_segou])
    numbers = [letter.number for letter in [*first, *second]]
    assert numbers == ["0001/CNDH/SG/2022", "0002/CNDH/SG/2022", "0003/CNDH/SG/2022"]
    # One letter per command, in the order of their names; one round, one batch.
    assert [x.addressee for x in first] == [police_mopti, gendarmerie_segou]
    assert first[0].batch == first[1].batch != second[0].batch


def test_the_register_starts_again_at_one_each_year(
    funded: Session,  # noqa: F811
    police_mopti: Addressee,  # noqa: F811
    president: Signatory,  # noqa: F811
) -> None:
    issue(funded, [police_mopti], dated=dt.date(2021, 12, 30))
    [letter] = issue(funded, [police_mopti])
    assert letter.number == "0001/CNDH/SG/2022"


def test_a_letter_that_fails_to_render_leaves_no_number_and_no_file(
    funded: Session,  # noqa: F811
    police_mopti: Addressee,  # noqa: F811
    gendarmerie_segou: Addressee,  # noqa: F811
    president: Signatory,  # noqa: F811
    media: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = services.piece_docx
    calls = []

    def second_fails(*args: Any, **kwargs: Any) -> bytes:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disque plein")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "piece_docx", second_fails)
    with pytest.raises(RuntimeError):
        issue(funded, [police_mopti, gendarmerie_segou])
    assert not Letter.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]
    monkeypatch.setattr(services, "piece_docx", real)
    assert issue(funded, [police_mopti])[0].number == "0001/CNDH/SG/2022"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"officers": 0}, "officers"),
        ({"officers": -3}, "officers"),
        ({"deadline": dt.date(2022, 11, 8)}, "deadline"),  # the first day of the session
        ({"deadline": dt.date(2022, 11, 12)}, "deadline"),
        ({"dated": dt.date(2022, 10, 30)}, "dated"),  # after the deadline it sets
        ({"addressees": []}, "addressees"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(
    funded: Session,  # noqa: F811
    police_mopti: Addressee,  # noqa: F811
    president: Signatory,  # noqa: F811
    changes: dict[str, Any],
    field: str,
) -> None:
    addressees = changes.pop("addressees", [police_mopti])
    with pytest.raises(ValidationError) as refused:
        issue(funded, addressees, **changes)
    assert list(refused.value.message_dict) == [field]
    assert not Letter.objects.exists()


def test_an_inactive_command_is_refused(
    funded: Session,  # noqa: F811
    police_mopti: Addressee,  # noqa: F811
    president: Signatory,  # noqa: F811
) -> None:
    police_mopti.active = False
    police_mopti.save()
    with pytest.raises(ValidationError) as refused:
        issue(funded, [police_mopti])
    assert "addressees" in refused.value.message_dict


def test_without_a_signatory_for_letters_the_refusal_says_how_to_set_one(
    funded: Session,  # noqa: F811
    police_mopti: Addressee,  # noqa: F811
    president: Signatory,  # noqa: F811
) -> None:
    president.signs_letters = False
    president.save()
    with pytest.raises(DocumentError) as refused:
        issue(funded, [police_mopti])
    assert refused.value.code == "no_signatory"
    assert "Institution et signataires" in str(refused.value)
    assert not Letter.objects.exists()


def test_the_first_signatory_in_order_who_signs_letters_signs(
    funded: Session,  # noqa: F811
    police_mopti: Addressee,  # noqa: F811
    president: Signatory,  # noqa: F811
    organisation: Organisation,
) -> None:
    Signatory.objects.create(
        organisation=organisation,
        name="Fatoumata Sangaré",
        title="La Secrétaire générale",
        order=0,
        signs_letters=True,
    )
    [letter] = issue(funded, [police_mopti])
    assert letter.signatory_title == "La Secrétaire générale"


def test_a_venue_laptop_does_not_number_letters(
    funded: Session,  # noqa: F811
    police_mopti: Addressee,  # noqa: F811
    president: Signatory,  # noqa: F811
) -> None:
    NumberBlock.objects.create(prefix="EP-2022-", first=1, last=50, local=True, holder="Sévaré")
    with pytest.raises(DocumentError) as refused:
        issue(funded, [police_mopti])
    assert refused.value.code == "no_block"


def test_the_signatories_formset_sets_who_signs_letters_and_mission_orders(
    organisation: Organisation,
) -> None:
    data = {
        "signatories-TOTAL_FORMS": "1",
        "signatories-INITIAL_FORMS": "0",
        "signatories-0-name": "Adama Coulibaly",
        "signatories-0-title": "Le Président",
        "signatories-0-order": "1",
        "signatories-0-signs_letters": "on",
        "signatories-0-signs_mission_orders": "on",
    }
    formset = SignatoryFormSet(data, instance=organisation, prefix="signatories")
    assert formset.is_valid(), formset.errors
    formset.save()
    saved = Signatory.objects.get()
    assert (saved.signs_letters, saved.signs_mission_orders, saved.signs_certificates) == (
        True,
        True,
        False,
    )


def test_a_command_that_received_a_letter_is_not_deleted(
    funded: Session,  # noqa: F811
    police_mopti: Addressee,  # noqa: F811
    president: Signatory,  # noqa: F811
) -> None:
    issue(funded, [police_mopti])
    with pytest.raises(DocumentError) as refused:
        services.addressee_delete(addressee=police_mopti)
    assert refused.value.code == "addressee_in_use"
    assert Addressee.objects.filter(pk=police_mopti.pk).exists()
