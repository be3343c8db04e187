"""Backups of the archive's database, and restoring one (``manage.py backup`` and
``restore``).

- PostgreSQL: ``pg_dump --format=custom`` (compressed, every table, sequence, index and
  the search index's data; restorable table by table with ``pg_restore``), and
  ``pg_restore --clean --if-exists --single-transaction``: a restore either replaces
  everything or, on any error, changes nothing. The tools are those of the server's major
  version (``/usr/lib/postgresql/<major>/bin``) when present, else the ones on ``PATH``.
- SQLite: the online backup API (a consistent copy while the archive is in use), and the
  same API the other way for a restore.

A backup file says which it is: a custom-format dump starts ``PGDMP``, an SQLite file
``SQLite format 3``; a restore refuses a file of the other kind.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    pass


def _connection():
    return connections[DEFAULT_DB_ALIAS]


def _is_postgres(connection):
    return connection.vendor == "postgresql"


def postgres_tool(name, connection):
    """``pg_dump`` or ``pg_restore`` of the server's major version, else from ``PATH``."""
    major = connection.pg_version // 10000 if connection.pg_version else None
    versioned = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if major and versioned.is_file():
        return str(versioned)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found (Debian: apt-get install postgresql-client)")
    return found


def _postgres_arguments(connection):
    """libpq's connection settings as environment variables (no password on a command line)."""
    settings = connection.settings_dict
    env = {**os.environ}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 (our tools)
    if result.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def backup(path):
    """Write a backup of the database to ``path``; its size in bytes."""
    path = Path(path)
    connection = _connection()
    if _is_postgres(connection):
        connection.ensure_connection()
        _run(
            [postgres_tool("pg_dump", connection), "--format=custom", f"--file={path}"],
            _postgres_arguments(connection),
        )
    else:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    return path.stat().st_size


def kind_of(path):
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(PG_MAGIC):
        return "postgresql"
    if head == SQLITE_MAGIC:
        return "sqlite"
    return None


def restore(path):
    """Replace every row of the database with the backup at ``path``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    connection = _connection()
    kind = kind_of(path)
    if kind != connection.vendor:
        raise BackupError(
            f"{path} is {'not a backup' if kind is None else f'a {kind} backup'}; "
            f"this archive's database is {connection.vendor}"
        )
    if _is_postgres(connection):
        connection.ensure_connection()
        env = _postgres_arguments(connection)
        connection.close()
        _run(
            [
                postgres_tool("pg_restore", connection),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={env.get('PGDATABASE', '')}",
                str(path),
            ],
            env,
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
