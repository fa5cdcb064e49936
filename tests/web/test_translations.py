"""French and English must be complete: every translatable string of the code has a French text.

English is the source language (msgid), so its catalogue is complete by construction; the test
re-extracts the strings from a copy of the source and checks the French catalogue covers them all.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import coopdec

PACKAGE = Path(coopdec.__file__).parent
CATALOGUE = PACKAGE / "locale" / "{lang}" / "LC_MESSAGES" / "django.po"


def _untranslated(po: polib.POFile) -> list[str]:
    return [entry.msgid for entry in po if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)]


def test_french_catalogue_is_complete():
    po = polib.pofile(str(CATALOGUE).format(lang="fr"))
    missing = _untranslated(po)
    assert missing == [], f"{len(missing)} strings have no French translation, e.g. {missing[:10]}"


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="xgettext (Debian package gettext) is needed to re-extract strings"
)
def test_catalogues_cover_every_string_in_the_code(tmp_path):
    copy = tmp_path / "coopdec"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "vendor", "*.mo"))
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr", "--no-location", "--no-obsolete"],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "", "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    extracted = {
        entry.msgid for entry in polib.pofile(str(copy / "locale/fr/LC_MESSAGES/django.po")) if not entry.obsolete
    }
    committed = polib.pofile(str(CATALOGUE).format(lang="fr"))
    known = {entry.msgid for entry in committed if entry.translated() and "fuzzy" not in entry.flags}
    missing = sorted(extracted - known)
    assert missing == [], (
        f"{len(missing)} strings in the code are missing from the French catalogue (run `make messages-update` "
        f"and translate them), e.g. {missing[:10]}"
    )
