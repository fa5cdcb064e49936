import gc

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
    gc.unfreeze()
    try:
        gunicorn_conf.post_worker_init(_Worker())
        assert facets._engine is not None
        assert facets._engine.n > 0
        # what the worker holds once started (Django, the engine) is out of the collector's sight
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        facets.reset()  # the next test's rolled-back index may reuse this version number
