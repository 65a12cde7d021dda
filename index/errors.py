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
