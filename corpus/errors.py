"""Named errors of the corpus layer."""


class CorpusError(Exception):
    """Base class for problems reading source documents."""


class CorpusNotFound(CorpusError):
    """The corpus folder does not exist or holds no supported document."""


class UnreadableDocument(CorpusError):
    """A file could not be read or parsed (corrupt PDF, wrong encoding, unsupported type)."""
