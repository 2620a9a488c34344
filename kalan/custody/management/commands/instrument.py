"""``kalan instrument load [--dry-run]``: load the visit instrument's file (its items)."""

from __future__ import annotations

from kalan.core.management.file_load import FileLoadCommand
from kalan.custody.instrument import INSTRUMENT_FILE, instrument_load


class Command(FileLoadCommand):
    help = "Charge la grille de visite des lieux de garde à vue (data/instrument.json)."
    file = INSTRUMENT_FILE
    load = instrument_load
