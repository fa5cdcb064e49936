"""Shared test set-up: a small slice of the real reference data, loaded once per session."""

import json
import os

os.environ.setdefault("SECRET_KEY", "coopdec-tests-only")

import pytest  # noqa: E402

# A slice of the real GeoNames file: every place of 50,000 inhabitants or more, plus every place of
# a few countries the tests use in depth (France, Senegal, Germany, Burkina Faso).
TEST_LOCALITY_COUNTRIES = {"FR", "SN", "DE", "BF"}
TEST_LOCALITY_MIN_POPULATION = 50_000


def reference_slice() -> list[dict]:
    from coopdec.territories.loaders import CITIES_FILE

    records = json.loads(CITIES_FILE.read_text(encoding="utf-8")).values()
    return [
        r
        for r in records
        if r["countrycode"] in TEST_LOCALITY_COUNTRIES or (r.get("population") or 0) >= TEST_LOCALITY_MIN_POPULATION
    ]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from coopdec.territories import loaders as places
    from coopdec.vocabularies import loaders as vocabularies

    with django_db_blocker.unblock():
        places.load_countries()
        places.load_subdivisions()
        vocabularies.load_codelists()
        vocabularies.load_axes()
        vocabularies.load_standard_indicators()
        places.load_localities(records=reference_slice())


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background tasks run where they are enqueued (the immediate backend), so a test sees their
    effect (mail, imports) at once; tests of the worker itself set the database backend and run
    ``db_worker --batch`` in-process (tests/interop/spreadsheet/test_import_task.py)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code run outside a request (services, commands) speaks English, the source language, in tests.

    Pages still choose their language per request (LocaleMiddleware): French by default.
    """
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _clear_vocabulary_cache():
    from coopdec.territories.selectors import clear_caches as clear_places
    from coopdec.vocabularies.selectors import clear_caches

    clear_caches()
    clear_places()
    yield
    clear_caches()
    clear_places()


@pytest.fixture(autouse=True)
def _fresh_atlas_engine():
    """Each test starts without an in-memory atlas engine. The engine follows the index by document
    ids (a changed record gets a new document); a test's rolled-back transaction gives the next
    test the same ids again on SQLite, for other documents, which no real database does to
    committed rows."""
    from coopdec.atlas import facets

    facets.reset()
    yield
    facets.reset()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render pages without running collectstatic; the page-weight test builds the real manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Test users are many; hashing each password at full cost would add minutes to the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The rate counters' purge runs on a random draw (1 in 2,000 events): never in tests, where it
    # would add a query to a counted request now and then (tests/api/test_rate_limits.py draws it).
    settings.RATE_COUNTER_PURGE_EVERY = 0
