from kalan.core.errors import KalanError


class StatementError(KalanError):
    """A payment statement cannot be issued: nobody attended, the last one is still current…"""


class BudgetError(KalanError):
    """A budget line, an expense, a check or funds refused; ``field`` names the form's field."""
