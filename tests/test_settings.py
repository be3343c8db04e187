"""Settings come from the environment and are safe in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "command",
    [
        ["shell", "-c", "import archive.wsgi"],
        ["shell", "-c", "import archive.asgi"],
        ["runserver", "--noreload", "127.0.0.1:8019"],
    ],
)
def test_refuses_to_start_without_secret_key_when_debug_is_off(command):
    result = run_manage(*command, DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="localhost")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_deploy_check_fails_without_secret_key():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_makemigrations_check_needs_no_secret_key():
    result = run_manage("makemigrations", "--check", "--dry-run", DJANGO_DEBUG="false")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_deploy_check_is_clean_under_production_environment(tmp_path):
    production = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-key-0123456789-abcdefghij",
        "DJANGO_ALLOWED_HOSTS": "archive.example.org",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    check = ("check", "--deploy", "--fail-level", "WARNING")
    refused = run_manage(*check, **production)  # static files not collected yet
    assert refused.returncode == 1
    assert "commentary.E001" in refused.stdout + refused.stderr
    collected = run_manage("collectstatic", "--noinput", "-v0", **production)
    assert collected.returncode == 0, collected.stderr
    result = run_manage(*check, **production)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_url_selects_postgresql():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        DJANGO_DEBUG="true",
        DATABASE_URL="postgres://u:p@db.example.org:5432/archive",
    )
    assert result.stdout.strip().endswith("django.db.backends.postgresql")


def test_whitenoise_directly_after_security_middleware():
    security = settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
    assert settings.MIDDLEWARE[security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"


def test_languages_are_english_and_simplified_chinese():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "zh-hans"]


def test_public_pages_send_strict_security_headers(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_every_worker_process_shares_one_cache():
    """The generation moved on in one process (a publish in one gunicorn worker) is seen
    by another: the default cache is not per-process memory."""
    from commentary.caching import generation

    before = generation.current()
    moved = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from commentary.caching import generation; "
            "generation.bump(); print(generation.current())",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "archive.settings", "DJANGO_DEBUG": "true"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert moved != before
    assert generation.current() == moved
