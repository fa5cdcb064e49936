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


def test_a_worker_settles_again_after_its_first_requests(monkeypatch):
    settled = []
    monkeypatch.setattr(gunicorn_conf, "settle", lambda: settled.append(worker.coopdec_served))
    worker = _Worker()
    for _request in range(150):
        gunicorn_conf.post_request(worker, None, {}, None)
    assert settled == [1, 10, 100]
