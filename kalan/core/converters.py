"""Path converters every app's routes may use, registered once when the core app is ready."""

from __future__ import annotations

from django.urls import register_converter

from kalan.core.render.spreadsheets import FORMATS


class ExportFormatConverter:
    """``xlsx`` or ``csv`` and nothing else: any other extension is a 404, not a guess."""

    regex = "|".join(FORMATS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def converters_register() -> None:
    register_converter(ExportFormatConverter, "export_format")
