"""The Simplified Chinese catalogue is complete and every template string is marked."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_chinese_catalogue_has_no_untranslated_or_fuzzy_entries():
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_templates_have_no_unmarked_prose():
    """Text between tags must come from a translation tag or a variable."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = re.sub(
            r"{% blocktranslate.*?{% endblocktranslate %}", "", path.read_text(), flags=re.S
        )
        text = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "", text, flags=re.S)
        text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
        for chunk in re.findall(r">([^<]+)<", text):
            words = re.findall(r"[A-Za-z]{3,}", chunk)
            if words:
                offenders.append(f"{path.name}: {chunk.strip()[:60]}")
    assert offenders == []


def test_every_marked_string_is_in_the_catalogue_and_translated(tmp_path):
    """``makemessages`` run on a copy of the code adds nothing untranslated: a string marked
    for translation but never extracted into the catalogue fails here."""
    if not shutil.which("msgattrib"):
        pytest.skip("GNU gettext (msgattrib) is not installed")
    for name in ("manage.py", "archive", "commentary", "templates", "locale"):
        source = ROOT / name
        copy = shutil.copy if source.is_file() else shutil.copytree
        copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--verbosity=0"],
        cwd=tmp_path,
        check=True,
        env={**os.environ, "DJANGO_DEBUG": "true"},
    )
    catalogue = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    leftovers = "".join(
        subprocess.run(
            ["msgattrib", flag, "--no-location", str(catalogue)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for flag in ("--untranslated", "--only-fuzzy")
    )
    msgids = re.findall(r'^msgid ("[^\n]*"(?:\n"[^\n]*")*)', leftovers, flags=re.M)
    assert [m for m in msgids if m != '""'] == []  # '""' alone is the catalogue's header
