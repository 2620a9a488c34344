"""``attachment()``: every download as a file to save, named for old and new browsers alike, kept
by no cache; ``never_stored()`` for what a page shows but no cache may keep."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from kalan.core.http import attachment, never_stored

PDF = "application/pdf"


def test_an_accented_name_gets_an_ascii_fallback_and_the_utf8_name() -> None:
    response = attachment(b"%PDF-1.4", filename="Présences Sévaré.pdf", content_type=PDF)

    assert response["Content-Disposition"] == (
        'attachment; filename="Presences Sevare.pdf"; '
        "filename*=UTF-8''Pr%C3%A9sences%20S%C3%A9var%C3%A9.pdf"
    )


def test_a_plain_ascii_name_is_given_once() -> None:
    response = attachment(b"%PDF-1.4", filename="EP-2022-0001.pdf", content_type=PDF)

    assert response["Content-Disposition"] == 'attachment; filename="EP-2022-0001.pdf"'


def test_quotes_and_line_breaks_cannot_leave_the_file_name() -> None:
    response = attachment(b"x", filename='a"b\r\nSet-Cookie: c.pdf', content_type=PDF)

    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    # The colon too, which Windows refuses in a file name (kalan.core.filenames).
    assert disposition == 'attachment; filename="a_b__Set-Cookie_ c.pdf"'


def test_an_accented_name_with_a_quote_keeps_both_names_inside_the_header() -> None:
    response = attachment(b"x", filename='é"\r\nSet-Cookie: c.pdf', content_type=PDF)

    assert response["Content-Disposition"] == (
        'attachment; filename="e___Set-Cookie_ c.pdf"; '
        "filename*=UTF-8''%C3%A9___Set-Cookie_%20c.pdf"
    )


def test_a_name_with_no_latin_letter_keeps_a_fallback_of_its_own_length() -> None:
    response = attachment(b"x", filename="Тест’.pdf", content_type=PDF)

    assert response["Content-Disposition"].startswith('attachment; filename="_____.pdf"; ')


def test_no_cache_keeps_a_download_and_no_browser_sniffs_it() -> None:
    response = attachment(b"%PDF-1.4", filename="attestations.pdf", content_type=PDF)

    assert isinstance(response, HttpResponse)
    assert response.content == b"%PDF-1.4"
    assert response["Content-Type"] == PDF
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_open_file_is_streamed_from_disk() -> None:
    file = tempfile.TemporaryFile()  # noqa: SIM115 - closed at the end
    file.write(b"PK\x03\x04")
    file.seek(0)

    response = attachment(file, filename="kalan-personnes.xlsx", content_type="application/zip")

    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content) == b"PK\x03\x04"  # type: ignore[arg-type]
    assert response["Content-Length"] == "4"
    assert response["Content-Disposition"] == 'attachment; filename="kalan-personnes.xlsx"'
    assert "no-store" in response["Cache-Control"]
    assert response.file_to_stream is file  # closed by Django once sent, which deletes it
    file.close()


def test_pieces_are_streamed_as_they_come() -> None:
    pieces = iter(["\ufeffNom;Prénom\r\n", "Maïga;Kadiatou\r\n"])

    response = attachment(pieces, filename="kalan-personnes.csv", content_type="text/csv")

    assert isinstance(response, StreamingHttpResponse)
    assert b"".join(response.streaming_content).decode() == (  # type: ignore[arg-type]
        "\ufeffNom;Prénom\r\nMaïga;Kadiatou\r\n"
    )
    assert response["Content-Disposition"] == 'attachment; filename="kalan-personnes.csv"'
    assert "no-store" in response["Cache-Control"]


def test_never_stored_keeps_an_inline_answer_inline() -> None:
    response = never_stored(HttpResponse(b"jpeg", content_type="image/jpeg"))

    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert "Content-Disposition" not in response
