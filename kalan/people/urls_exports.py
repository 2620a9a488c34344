"""Export URLs, at the site root: ``personnes/export.xlsx``, ``sessions/<uid>/export.csv``."""

from django.urls import URLPattern, path, register_converter

from kalan.people import exports, views_exports


class ExportFormatConverter:
    """``xlsx`` or ``csv`` and nothing else: any other extension is a 404, not a guess."""

    regex = "|".join(exports.FORMATS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormatConverter, "export_format")

urlpatterns: list[URLPattern] = [
    path(
        "personnes/export.<export_format:fmt>",
        views_exports.person_export,
        name="person_export",
    ),
    path(
        "sessions/<uuid:uid>/export.<export_format:fmt>",
        views_exports.session_export,
        name="session_export",
    ),
]
