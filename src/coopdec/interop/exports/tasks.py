"""Background tasks of the downloads (run by ``coopdec db_worker``)."""

from django_tasks import task


@task()
def full_atlas_build_task(fmt: str, version: int) -> str:
    from .cache import full_atlas_build

    return full_atlas_build(fmt, version)
