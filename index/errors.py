"""Named errors of the index layer; each message says how to fix the problem."""


class SearchIndexError(Exception):
    """Base class for index problems."""


class IndexNotFound(SearchIndexError):
    """No index has been built in the folder."""


class IndexIncompatible(SearchIndexError):
    """The index on disk was built with another format, model or dimension."""


class ModelNotFound(SearchIndexError):
    """The embedding model cannot be found or loaded locally."""


class DistributedUnavailable(SearchIndexError):
    """A distributed build was asked for, but Ray is not installed or the cluster cannot be reached."""


class RayNotInstalled(DistributedUnavailable):
    """`qa index --workers/--ray-address` needs the `distributed` extra."""


class RayClusterUnreachable(DistributedUnavailable):
    """No Ray cluster answers at the given address."""


class DistributedBuildFailed(SearchIndexError):
    """The Ray pipeline stopped (a worker failed past its retries, or the cluster went away)."""


class UnknownDocuments(SearchIndexError):
    """A search was kept to documents the index does not hold (`doc_ids`: those it lacks)."""

    def __init__(self, doc_ids: list[str]) -> None:
        self.doc_ids = doc_ids
        shown = ", ".join(doc_ids[:5]) + (f" and {len(doc_ids) - 5} more" if len(doc_ids) > 5 else "")
        super().__init__(f"the library has no document {shown}; the library's ids are listed by "
                         "GET /v1/documents and `qa documents`")


class NoDocumentInScope(SearchIndexError):
    """No document of the library is from the years a search was kept to."""
