"""Run the background-task worker inside a test, on SQLite and PostgreSQL alike."""

from django.core.management import call_command
from django.db import connection


def run_worker() -> None:
    """``coopdec db_worker --batch``: run every queued task, then return.

    Between tasks the worker drops a connection whose autocommit differs from its settings (as
    every test's transaction does) or that is older than CONN_MAX_AGE (60 s on PostgreSQL, so any
    test after the first minute of a run): SQLite's in-memory test database ignores the close, but
    on PostgreSQL it would end the test's transaction. For the worker's run, the test transaction
    is the connection's setting and the connection has no age limit.
    """
    saved = connection.settings_dict["AUTOCOMMIT"], connection.close_at
    connection.settings_dict["AUTOCOMMIT"], connection.close_at = connection.get_autocommit(), None
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        connection.settings_dict["AUTOCOMMIT"], connection.close_at = saved
