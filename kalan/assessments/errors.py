from kalan.core.errors import KalanError


class AssessmentError(KalanError):
    """A rule of tests, answers or scoring was broken: a closed test, an unknown code…"""
