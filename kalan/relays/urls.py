"""The relays' routes: staff pages under ``/relais/``, the commitment phone pages under ``/e/``
and the relay's own phone pages under ``/r/`` (kalan/urls.py includes each list)."""

staff_patterns: list = []

# A participant states a commitment at the close of the session (test code + badge code).
commitment_phone_patterns: list = []

# A relay's own phone pages: personal code, questionnaire of an open round, a restitution.
relay_phone_patterns: list = []
