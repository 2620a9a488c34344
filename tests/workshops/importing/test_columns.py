"""Guessing which column holds which field from the headers commands write."""

from __future__ import annotations

import pytest

from kalan.workshops.importing.columns import header_score, mapping_guess


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("NOM", "last_name"),
        ("Nom", "last_name"),
        ("Nom de famille", "last_name"),
        ("Last name", "last_name"),
        ("Surname", "last_name"),
        ("Prénom(s)", "first_names"),
        ("PRENOMS", "first_names"),
        ("First name(s)", "first_names"),
        ("Nom et prénom(s)", "full_name"),
        ("Prénoms et nom", "full_name"),
        ("NOMS & PRÉNOMS", "full_name"),
        ("Nom complet", "full_name"),
        ("Full name", "full_name"),
        ("N° Mle", "service_number"),
        ("Nº MLE", "service_number"),
        ("Mle", "service_number"),
        ("Matricule", "service_number"),
        ("N° matricule", "service_number"),
        ("Numéro de matricule", "service_number"),
        ("Service number", "service_number"),
        ("Grade", "rank"),
        ("Rank", "rank"),
        ("Unité", "unit"),
        ("Unité d'affectation", "unit"),
        ("UNITE D’AFFECTATION", "unit"),
        ("Service", "unit"),
        ("Unit", "unit"),
        ("Contact", "phone"),
        ("Téléphone", "phone"),
        ("Tel", "phone"),
        ("Tél.", "phone"),
        ("N° de téléphone", "phone"),
        ("Phone", "phone"),
        ("Sexe", "sex"),
        ("Genre", "sex"),
        ("Sex", "sex"),
        ("Gender", "sex"),
        ("Corps", "corps"),
        ("Force", "corps"),
        ("Arme", "corps"),
        ("E-mail", "email"),
        ("Courriel", "email"),
        ("Date de naissance", "birth_date"),
        ("Né(e) le", "birth_date"),
        ("Date of birth", "birth_date"),
        # Longer headers that start with a known one.
        ("NOM DU PARTICIPANT", "last_name"),
        ("Sexe (M/F)", "sex"),
        ("Téléphone (WhatsApp)", "phone"),
        ("  Grade  ", "rank"),
    ],
)
def test_usual_spellings_map_to_their_field(header: str, field: str) -> None:
    assert mapping_guess([header]) == {0: field}


@pytest.mark.parametrize(
    "header",
    [
        "N°",
        "N° d'ordre",
        "Ordre",
        "No",
        "",
        "Observations",
        "Signature",
        "Unité : Brigade de Sévaré",
        "Nom de la personne à prévenir en cas d'urgence",
    ],
)
def test_row_numbers_and_unknown_headers_map_to_nothing(header: str) -> None:
    assert mapping_guess([header]) == {}


def test_a_whole_header_is_mapped_column_by_column() -> None:
    headers = [
        "N°",
        "NOM",
        "Prénom(s)",
        "Grade",
        "N° Mle",
        "Unité d'affectation",
        "Contact",
        "Sexe",
    ]
    assert mapping_guess(headers) == {
        1: "last_name",
        2: "first_names",
        3: "rank",
        4: "service_number",
        5: "unit",
        6: "phone",
        7: "sex",
    }


def test_each_field_is_taken_once_by_its_first_column() -> None:
    assert mapping_guess(["Contact", "Téléphone", "NOM", "Nom"]) == {0: "phone", 2: "last_name"}


def test_header_score_counts_known_headers_and_row_numbers_only() -> None:
    assert header_score(["N°", "NOM", "Prénoms", "Observations", None, 12]) == 3
    assert header_score(["RÉPUBLIQUE DU MALI", None]) == 0
    assert header_score(["LISTE DES OPJ CONVOQUÉS", "Sévaré"]) == 0
