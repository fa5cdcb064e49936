"""Background tasks of the atlas (run by ``coopdec db_worker``).

A full rebuild takes minutes on a large register and holds the database's write lock meanwhile:
nothing started from the web rebuilds the index in the request. ``atlas_reindex_enqueue`` queues it
(``coopdec atlas_reindex --background`` and any page or admin action use it) and a worker runs it.
"""

from __future__ import annotations

from django_tasks import task


def atlas_rebuild(progress=None) -> dict[str, int]:
    """Rebuild the whole atlas index, then its facet counts; returns the documents per record type."""
    from coopdec.atlas import facets
    from coopdec.atlas.index import current_version, reindex_all

    counts = reindex_all(progress=progress)
    facets.build(current_version())  # large indexes: kept on disk for the web workers
    return counts


@task()
def atlas_reindex_task() -> dict[str, int]:
    return atlas_rebuild()


def atlas_reindex_enqueue() -> str:
    """Queue a full rebuild of the atlas index; returns the task's id."""
    return atlas_reindex_task.enqueue().id
