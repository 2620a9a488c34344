from kalan.core.errors import KalanError


class DocumentError(KalanError):
    """A document cannot be produced or changed: a certificate not earned, already revoked…"""
