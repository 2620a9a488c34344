from kalan.core.errors import KalanError


class RelayError(KalanError):
    """A rule of the follow-up was broken: a date before the training, an absurd audience, a
    questionnaire already answered, an unknown code…"""
