from kalan.core.errors import KalanError


class PeopleError(KalanError):
    """A rule of the registry was broken: a merge or its undo that cannot be done, for example."""
