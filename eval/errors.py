"""Named errors of the evaluation layer; the `qa` command line prints them as one-line messages."""

from qa.errors import QAError


class EvalError(QAError):
    """Invalid input to the evaluation."""


class GoldError(EvalError):
    """The gold file is missing or a line of it is invalid; the message names the line."""


class ThresholdsError(EvalError):
    """The thresholds file is missing, unreadable or names an unknown metric."""
