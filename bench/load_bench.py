"""Load benchmark: the production server (gunicorn, ``gunicorn.conf.py``, production
settings) on a generated archive, driven by wrk over a mix of URLs, with the page cache off
and on, against a static file of the list page's size served by the same server.

Run by hand, not by ``make test`` (see bench/README.md):

    DATABASE_URL=postgres://... .venv/bin/python bench/load_bench.py \\
        [--seconds 30] [--connections 20] [--workers 5]

Prints, per run, requests/s, p50 and p99 latency, non-2xx answers and socket errors, and
the ratio of requests/s to the static file's. During the run with the page cache on, a
statement in review is published halfway through (as a publisher's action would: the
workflow transition, in its own process) and the script asks for its page and for the list
right after the commit: the publish must be visible on that very request.
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = Path(PYTHON).with_name("gunicorn")

LUA = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1] if capture else None


def python_in_django(env, code):
    """Run ``code`` with Django set up, in a process of its own; its last printed line."""
    return manage(env, "shell", "-c", code, capture=True)


def fetch(port, path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Server:
    def __init__(self, env, workers, page_cache):
        self.port = free_port()
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            "DJANGO_PAGE_CACHE_SECONDS": "600" if page_cache else "0",
        }
        self.process = subprocess.Popen(
            [str(GUNICORN), "--config", "gunicorn.conf.py", "--access-logfile", "/dev/null"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if fetch(self.port, "/robots.txt")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)


def wrk(port, paths, seconds, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(f'"{p}"' for p in paths))
    output = subprocess.run(
        [
            "wrk",
            "--threads",
            "2",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "--script",
            script.name,
            f"http://127.0.0.1:{port}",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    os.unlink(script.name)
    return parse(output)


def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse(output):
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M))
    if set(latency) != {"50", "99"}:
        raise RuntimeError(f"wrk printed no latency distribution:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(latency["50"]),
        "p99": milliseconds(latency["99"]),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "errors": sum(int(n) for n in errors.groups()) if errors else 0,
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }


def url_mix(env):
    """The paths the load goes over: lists, filters, searches, statement pages, experts,
    feeds, the API, chosen from the archive as the page benchmark chooses them."""
    code = (
        "from commentary.models import Quote, Expert, Country; "
        "q = list(Quote.objects.published().order_by('-pk').values_list('pk', flat=True)[:40:4]); "
        "e = [x.slug for x in Expert.objects.public().order_by('pk')[:5]]; "
        "c = Country.objects.public().order_by('-statement_count').first().code; "
        "print(repr((q, e, c)))"
    )
    quotes, experts, country = eval(python_in_django(env, code))  # noqa: S307 (our own output)
    return [
        "/quotes/",
        f"/quotes/?country={country}",
        "/quotes/?kind=paraphrase",
        f"/quotes/?country={country}&kind=paraphrase",
        "/quotes/?sort=oldest",
        "/quotes/?q=%E9%80%8F%E6%98%8E%E5%BA%A6",  # 透明度
        "/quotes/?q=hypersonic",
        *[f"/quotes/{pk}/" for pk in quotes],
        "/experts/",
        *[f"/experts/{slug}/" for slug in experts],
        "/countries/",
        "/quotes/feed/",
        "/api/quotes/",
        "/api/experts/",
    ]


def publish_midway(env, port, after):
    """Publish a statement in review ``after`` seconds in, then ask for it at once."""
    result = {}

    def run():
        time.sleep(after)
        pk = python_in_django(
            env,
            "from commentary.models import Quote, Status; "
            "from commentary.editorial import workflow; "
            "from django.contrib.auth.models import User; "
            "review = Quote.objects.filter(status=Status.REVIEW); "
            "q = review.exclude(pk__in=review.incomplete().values('pk')).order_by('pk').first(); "
            "u = User.objects.filter(is_superuser=True).first() or "
            "User.objects.create_superuser('bench-publisher', None, None); "
            "workflow.transition(q, Status.PUBLISHED, u); print(q.pk)",
        )
        committed = time.monotonic()
        status, headers, _body = fetch(port, f"/quotes/{pk}/")
        result.update(
            pk=pk,
            status=status,
            cache=headers.get("X-Page-Cache"),
            ms=(time.monotonic() - committed) * 1000,
        )

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found (Debian: apt-get install wrk)")
    static = Path(tempfile.mkdtemp(prefix="bench-static-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(static),
        "DJANGO_CACHE_DIR": str(static.with_name(static.name + "-cache")),
    }
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    paths = url_mix(env)
    print(
        f"{args.workers} gunicorn workers, wrk 2 threads, {args.connections} connections, "
        f"{args.seconds} s per run, {len(paths)} URLs in the mix"
    )
    runs = []
    server = Server(env, args.workers, page_cache=False)
    try:
        _status, _headers, page = fetch(server.port, "/quotes/")
        # The reference: a static file of the list page's size, through the same server.
        (static / "reference.html").write_bytes(os.urandom(len(page) // 2).hex().encode())
        server.stop()
        server = Server(env, args.workers, page_cache=False)
        fetch(server.port, "/quotes/")
        runs.append(
            (
                f"static file, {len(page):,} bytes",
                wrk(server.port, ["/static/reference.html"], args.seconds, args.connections),
            )
        )
        runs.append(
            ("URL mix, page cache off", wrk(server.port, paths, args.seconds, args.connections))
        )
        server.stop()
        server = Server(env, args.workers, page_cache=True)
        thread, published = publish_midway(env, server.port, args.seconds / 2)
        runs.append(
            ("URL mix, page cache on", wrk(server.port, paths, args.seconds, args.connections))
        )
        thread.join()
    finally:
        server.stop()
        shutil.rmtree(static, ignore_errors=True)
    reference = runs[0][1]["rps"]
    print(
        f"\n{'run':<32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'errors':>7} "
        f"{'of static':>10}"
    )
    for label, run in runs:
        print(
            f"{label:<32} {run['rps']:>9.1f} {run['p50']:>8.1f} {run['p99']:>8.1f} "
            f"{run['non_2xx']:>8} {run['errors']:>7} {run['rps'] / reference:>9.1%}"
        )
    print(
        f"\npublished statement {published.get('pk')} midway: the next request answered "
        f"{published.get('status')} ({published.get('cache')}) {published.get('ms', 0):.0f} ms "
        "after the commit"
    )


if __name__ == "__main__":
    main()
