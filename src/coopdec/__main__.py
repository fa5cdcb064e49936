"""The ``coopdec`` console script: Django's management commands under one name."""

import os
import sys
from collections.abc import Mapping


def terminal_language(environ: Mapping[str, str] | None = None) -> str:
    """The interface language of a command: the terminal's locale when coopdec speaks it, else English.

    ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` are read in POSIX order: ``fr_FR.UTF-8`` gives French,
    ``C.UTF-8`` (CI machines, containers) gives English.
    """
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in {"fr", "en", "es", "pt"} else "en"
    return "en"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopdec.settings")
    import django
    from django.core.management import execute_from_command_line
    from django.utils import translation

    args = ["coopdec", *(sys.argv[1:] if argv is None else argv)]
    try:
        django.setup()
    except Exception:  # noqa: BLE001 - let Django report set-up errors in its usual way below
        execute_from_command_line(args)
        return
    translation.activate(terminal_language())
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
