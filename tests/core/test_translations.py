"""Arabic and French ship complete: every string of the code has its translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parents[2] / "maarid"


def catalog(language, root=PACKAGE):
    with open(root / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as f:
        return read_po(f)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_message_is_translated_and_none_is_fuzzy(language):
    missing = [
        m.id
        for m in catalog(language)
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert not missing


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_placeholders_match(language):
    problems = [(m.id, errors) for m, errors in catalog(language).check()]
    assert not problems


def test_the_catalogues_hold_every_string_of_the_code(tmp_path):
    """Extracts the strings again (as makemessages does) and compares with the catalogues."""
    copy = tmp_path / "maarid"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr", "-v0"],
        cwd=copy,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    fresh = {m.id for m in catalog("fr", copy) if m.id}
    shipped = {m.id for m in catalog("fr") if m.id}
    assert not fresh - shipped, "run makemessages and translate the new strings"
