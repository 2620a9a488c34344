from kalan.core.errors import KalanError


class StatementError(KalanError):
    """A payment statement cannot be issued: nobody attended, the last one is still current…"""
