from kalan.core.errors import KalanError


class WorkshopError(KalanError):
    """A rule of workshops, sessions, enrollment or attendance was broken."""
