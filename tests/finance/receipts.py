"""Receipt files for the budget's tests: a real PNG (Pillow), a real PDF (reportlab)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from reportlab.lib.pagesizes import A5
from reportlab.pdfgen import canvas


def png_bytes(*, exif_gps: bool = False) -> bytes:
    image = Image.new("RGB", (400, 300), "white")
    buffer = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (14.0, 29.0, 0.0)}  # GPS info
        image.save(buffer, "JPEG", exif=exif.tobytes())
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


def pdf_bytes(text: str = "Facture N° 2022-117 — Hôtel La Palmeraie") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A5, invariant=True)
    page.drawString(40, 500, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def png_upload(name: str = "recu.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name: str = "facture.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")
