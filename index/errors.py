"""Named errors of the index layer; each message says how to fix the problem."""


class SearchIndexError(Exception):
    """Base class for index problems."""


class IndexNotFound(SearchIndexError):
    """No index has been built in the folder."""


class IndexIncompatible(SearchIndexError):
    """The index on disk was built with another format, model or dimension."""


class ModelNotFound(SearchIndexError):
    """The embedding model cannot be found or loaded locally."""
