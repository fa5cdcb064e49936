"""Run the background-task worker inside a test, on SQLite and PostgreSQL alike."""

from django.core.management import call_command
from django.db import connection


def run_worker() -> None:
    """``coopdec db_worker --batch``: run every queued task, then return.

    The worker drops a connection whose autocommit differs from its settings, as every test's
    transaction does: SQLite's in-memory test database ignores the close, but on PostgreSQL it
    would end the test's transaction. For the worker's run, the test transaction is its setting.
    """
    saved = connection.settings_dict["AUTOCOMMIT"]
    connection.settings_dict["AUTOCOMMIT"] = connection.get_autocommit()
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        connection.settings_dict["AUTOCOMMIT"] = saved
