from kalan.core.errors import KalanError


class CertificateError(KalanError):
    """A certificate cannot be issued or changed: not earned, already issued, already revoked…"""
