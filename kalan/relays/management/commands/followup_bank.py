"""``kalan followup_bank load [--dry-run]``: load the follow-up questions' file into the bank."""

from __future__ import annotations

from kalan.core.management.file_load import FileLoadCommand
from kalan.relays.bank import BANK_FILE, followup_bank_load


class Command(FileLoadCommand):
    help = "Charge la banque de questions de suivi (data/followup_ml.json)."
    file = BANK_FILE
    load = followup_bank_load
