"""gunicorn settings read with ``gunicorn coopdec.wsgi --config python:coopdec.gunicorn_conf``.

Each worker loads the atlas facet engine as soon as it starts, before it takes a request: otherwise
the first atlas request of every worker waits for it (1-3 s, the p99 of bench/load.py). Then it
moves every object it holds so far (Django, the engine) out of the garbage collector's sight
(``settle``): a request's full collections scan only what requests create, not the millions of
long-lived objects, which made the slow tail of pages that create many objects (bench/strategy.py).
It settles again after its first, tenth and hundredth requests (``post_request``), once the caches that
requests fill exist.
"""

import gc
import logging

logger = logging.getLogger("coopdec.gunicorn")


def settle() -> None:
    """Collect once, then freeze what survives: long-lived objects are never scanned again."""
    gc.collect()
    gc.freeze()


# Requests after which a worker settles again: what its first requests built and kept (compiled templates,
# translation catalogues, URL resolvers, the ORM's caches) is long-lived too, and was scanned by every full
# collection since (the strategy page's p95 was 1.7 x its p50 with it, 1.3 x without).
SETTLE_AFTER_REQUESTS = (1, 10, 100)


def post_request(worker, req, environ, resp) -> None:
    served = getattr(worker, "coopdec_served", 0) + 1  # threads may race here: a count off by one is harmless
    worker.coopdec_served = served
    if served in SETTLE_AFTER_REQUESTS:
        settle()


def post_worker_init(worker) -> None:
    from coopdec.atlas import facets

    try:
        engine = facets.engine()
        logger.info("atlas facet engine ready in worker %s: %s documents", worker.pid, engine.n)
    except Exception:  # a worker that cannot warm up still serves: the first request loads the engine
        logger.exception("atlas facet engine not loaded at worker start")
    settle()
