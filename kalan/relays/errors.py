import datetime as dt

from kalan.core.errors import KalanError


class RelayError(KalanError):
    """A rule of the follow-up was broken: a date before the training, an absurd audience, a
    questionnaire already answered, an unknown code…"""


class RelayThrottled(RelayError):
    """Too many wrong codes from this address: the phone pages refuse it until ``until``."""

    def __init__(self, message: str, *, until: dt.datetime) -> None:
        super().__init__(message, code="throttled")
        self.until = until
