"""Backups proven by restore: the seed plus edits (with their history in django-reversion)
backed up, restored into a fresh database, and every table compared row for row; a
restore over later edits brings the archive back to the backup. On SQLite (a scratch file)
and on a PostgreSQL server of the test's own."""

import sqlite3
import subprocess
import sys

import pytest

from .services import ROOT, archive_env, manage, on_postgres_run

EDITS = """
import reversion
from django.contrib.auth.models import User
from commentary.editorial import workflow
from commentary.models import Quote, Status
editor = User.objects.get(username="publisher")
quote = Quote.objects.published().order_by("pk").first()
with reversion.create_revision():
    quote.text = quote.text + " {marker}"
    quote.save()
    reversion.set_user(editor)
    reversion.set_comment("edited {marker}")
review = Quote.objects.filter(status=Status.REVIEW).order_by("pk").first()
if review is not None:
    workflow.transition(review, Status.DRAFT, editor)
print(quote.pk)
"""


def edit(env, marker):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", EDITS.format(marker=marker)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.split()[-1])


def sqlite_rows(path):
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: sorted(
                connection.execute(f'SELECT * FROM "{table}"').fetchall(),  # noqa: S608
                key=repr,
            )
            for table in tables
        }


def postgres_rows(server, database):
    tables = [
        name
        for (name,) in server.sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", database
        )
    ]
    rows = {
        table: sorted(server.sql(f'SELECT * FROM "{table}"', database), key=repr)  # noqa: S608
        for table in tables
    }
    rows["sequences"] = server.sql(
        "SELECT sequencename, last_value FROM pg_sequences ORDER BY 1", database
    )
    return rows


def history(rows):
    return rows["reversion_version"], rows["reversion_revision"]


def test_a_sqlite_backup_restores_row_for_row(tmp_path):
    database = tmp_path / "archive.sqlite3"
    env = archive_env(f"sqlite:///{database}", DJANGO_CACHE_DIR=str(tmp_path / "cache"))
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_seed", "-v0")
    manage(env, "createsuperuser", "--noinput", "--username", "publisher", "--email", "p@e.org")
    edit(env, "[before the backup]")
    backed_up = sqlite_rows(database)
    assert "[before the backup]" in repr(backed_up["commentary_quote"])
    assert "edited [before the backup]" in repr(history(backed_up))
    manage(env, "backup", str(tmp_path / "archive.backup"), "-v0")

    fresh = tmp_path / "fresh.sqlite3"
    fresh_env = {**env, "DATABASE_URL": f"sqlite:///{fresh}"}
    manage(fresh_env, "restore", str(tmp_path / "archive.backup"), "--noinput", "-v0")
    assert sqlite_rows(fresh) == backed_up

    edit(env, "[after the backup]")
    assert sqlite_rows(database) != backed_up
    manage(env, "restore", str(tmp_path / "archive.backup"), "--noinput", "-v0")
    assert sqlite_rows(database) == backed_up


@on_postgres_run
def test_a_postgres_backup_restores_row_for_row_into_a_fresh_database(postgres_cluster, tmp_path):
    server = postgres_cluster.server
    env = postgres_cluster.env(postgres_cluster.database("backed_up"))
    edit(env, "[before the backup]")
    backed_up = postgres_rows(server, "backed_up")
    assert "[before the backup]" in repr(backed_up["commentary_quote"])
    assert "edited [before the backup]" in repr(history(backed_up))
    assert len(backed_up) > 30
    dump = tmp_path / "archive.dump"
    manage(env, "backup", str(dump), "-v0")
    assert dump.read_bytes().startswith(b"PGDMP")

    server.sql('DROP DATABASE IF EXISTS "restored" WITH (FORCE)')
    server.sql('CREATE DATABASE "restored"')
    restored_env = postgres_cluster.env(server.url("restored"))
    manage(restored_env, "restore", str(dump), "--noinput", "-v0")
    assert postgres_rows(server, "restored") == backed_up
    # The restored archive is a working one: its search finds the edited statement.
    found = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from commentary.models import Quote; "
            "print(Quote.objects.published().search('before the backup').count())",
        ],
        cwd=ROOT,
        env=restored_env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.split()[-1] == "1"

    edit(env, "[after the backup]")
    assert postgres_rows(server, "backed_up") != backed_up
    manage(env, "restore", str(dump), "--noinput", "-v0")
    assert postgres_rows(server, "backed_up") == backed_up


def test_a_restore_refuses_what_is_not_a_backup_of_this_kind(tmp_path):
    database = tmp_path / "archive.sqlite3"
    env = archive_env(f"sqlite:///{database}", DJANGO_CACHE_DIR=str(tmp_path / "cache"))
    manage(env, "migrate", "--noinput", "-v0")
    before = sqlite_rows(database)
    for name, content in (("empty", b""), ("text", b"hello"), ("dump", b"PGDMP\x01\x0e")):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(RuntimeError, match=r"not a backup|a postgresql backup"):
            manage(env, "restore", str(tmp_path / name), "--noinput", "-v0")
    with pytest.raises(RuntimeError, match="no such file"):
        manage(env, "restore", str(tmp_path / "missing"), "--noinput", "-v0")
    assert sqlite_rows(database) == before
