"""Benchmark of the link checker: 10,000 sources across 200 local hosts, default politeness.

Run by hand, not by ``make test`` (see bench/README.md):

    DATABASE_URL=postgres://... .venv/bin/python bench/linkcheck_bench.py \
        [--sources 10000] [--hosts 200]

It starts the tests' local web (tests/webserver.py) on 127.0.0.2 … 127.0.0.201 (one
server per address: 200 distinct hosts) in a child process, so that the memory measured is
the checker's alone; creates the sources in a transaction, runs ``checking.check_sources``
with the settings' politeness (``HOST_DELAY``, ``CONCURRENCY``) and rolls everything back.

It prints the time, checks per second, the outcome counts, the politeness the hosts saw
(the smallest spacing between the starts of two checks of one host, never below the
delay; the most requests one host had in flight at once, never above 1) and the checker's
memory (RSS) after each tenth of the run: flat means no growth with the number of sources.
"""

import argparse
import itertools
import multiprocessing
import resource
import time

import django_setup  # noqa: F401  (sets Django up: bench/django_setup.py)
from django.conf import settings
from django.db import transaction

from commentary.models import Outlet, Source
from commentary.preservation import checking
from tests.webserver import LocalWeb


def rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Rollback(Exception):
    pass


def serve(hosts, ready, stop):
    """The child process: ``hosts`` local web servers until told to stop, then each one's
    answers ``(started, finished, method, path)`` sent back."""
    servers = [LocalWeb(host=f"127.0.0.{2 + n}") for n in range(hosts)]
    ready.send([server.url("") for server in servers])
    stop.recv()
    ready.send([server.spans for server in servers])
    # The servers' threads are daemons: they end with this process.


def politeness(spans_by_host, first_paths):
    """The smallest gap between the starts of two checks of one host (a check starts with
    its first request: ``HEAD`` of a source's own address; its other requests, a ``GET``
    or a redirect's next hop, follow within its turn), and the most requests one host had
    in flight at once."""
    gaps, in_flight = [], 0
    for spans in spans_by_host:
        starts = sorted(
            t for t, _end, method, path in spans if method == "HEAD" and path in first_paths
        )
        gaps += [b - a for a, b in itertools.pairwise(starts)]
        level = 0
        for _at, step in sorted([(t, 1) for t, *_ in spans] + [(end, -1) for _t, end, *_ in spans]):
            level += step
            in_flight = max(in_flight, level)
    return min(gaps), in_flight


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=200)
    args = parser.parse_args()
    ready, child_end = multiprocessing.Pipe()
    stop, stop_end = multiprocessing.Pipe()
    child = multiprocessing.Process(target=serve, args=(args.hosts, child_end, stop_end))
    child.start()
    hosts = ready.recv()
    config = settings.LINK_CHECK
    print(
        f"{args.sources} sources on {args.hosts} hosts; delay {config['HOST_DELAY']} s per "
        f"host, concurrency {config['CONCURRENCY']}, timeout {config['TIMEOUT']} s"
    )
    memory = []
    try:
        with transaction.atomic():
            outlet = Outlet.objects.create(name="Bench outlet", slug="bench-linkcheck-outlet")
            paths = ["/page/{}", "/page/{}", "/page/{}", "/moved", "/missing", "/temporary"]
            Source.objects.bulk_create(
                Source(
                    outlet=outlet,
                    title=f"Bench {n}",
                    url=hosts[n % args.hosts] + paths[n % len(paths)].format(n),
                )
                for n in range(args.sources)
            )
            sources = Source.objects.filter(outlet=outlet)
            step = max(1, args.sources // 10)

            def progress(done, counts):
                if done % step < checking.BATCH or done == args.sources:
                    memory.append((done, rss_mb()))

            started = time.monotonic()
            counts = checking.check_sources(sources, progress=progress)
            elapsed = time.monotonic() - started
            raise Rollback
    except Rollback:
        pass
    total = sum(counts.values())
    print(f"checked {total} in {elapsed:.1f} s ({total / elapsed:.0f} checks/s)")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    stop.send("stop")
    hits_by_host = ready.recv()
    child.join()
    first_paths = {path.format(n) for path in paths for n in range(args.sources)}
    gap, in_flight = politeness(hits_by_host, first_paths)
    print(f"smallest gap between the starts of two checks of one host: {gap:.3f} s")
    print(f"most requests in flight at one host: {in_flight}")
    print("memory (RSS MB) by checks done: " + ", ".join(f"{d}: {m:.0f}" for d, m in memory))


if __name__ == "__main__":
    main()
