"""The custody monitoring's domain error: a translated message, a code, and the field at fault
(``kalan.core.errors.KalanError``). Each service's docstring lists the codes it raises."""

from kalan.core.errors import KalanError


class CustodyError(KalanError):
    pass
