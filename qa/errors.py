"""Named errors of the question-answering layer."""


class QAError(Exception):
    """Invalid input to the answer engine (empty or over-long question, bad parameter)."""
