import pytest

from coopdec import gunicorn_conf
from coopdec.atlas import facets
from tests.atlas.conftest import build_atlas

pytestmark = pytest.mark.django_db


class _Worker:
    pid = 1234


def test_post_worker_init_loads_the_atlas_engine(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        build_atlas()
    facets.reset()
    try:
        gunicorn_conf.post_worker_init(_Worker())
        assert facets._engine is not None
        assert facets._engine.n > 0
    finally:
        facets.reset()  # the next test's rolled-back index may reuse this version number
