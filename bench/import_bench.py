"""Benchmark and accuracy of the compilation importer on the seed round-up.

Run by hand, not by ``make test`` (see bench/README.md):

    DATABASE_URL=postgres://... .venv/bin/python bench/import_bench.py [--repeat 3]

Everything runs inside transactions that are rolled back: the database is left as it was.

1. **Accuracy before corrections**: the seed collection is loaded (if it is not there), the
   seed text is read by the importer (``importing.preview.read``) and each proposed
   statement is compared, in order, with the statement the seed holds: speakers (the
   experts matched, in order), date (day, month or year), outlets (those cited as first
   appearance or relay), section, kind, and the text itself. The seed's editorial
   corrections (scripts/seed_data.py) are not applied: this is what an editor would see.
2. **Preview**: reading and matching the seed text against the archive as it is (the seed
   loaded, so every speaker and outlet is found and every statement is "imported before").
3. **Import**: the seed text under a new title into the archive without the seed: 59 new
   statements, 42 new experts, their roles, outlets and sources, in one transaction.

Times are the median of ``--repeat`` runs, in seconds, with the archive's size.
"""

import argparse
import statistics
import time
from pathlib import Path

import django_setup  # noqa: F401  (sets Django up: bench/django_setup.py)
from django.core.management import call_command
from django.db import connection, transaction

from commentary.dates import iso_partial_date
from commentary.importing import apply, preview
from commentary.importing import text as parsing
from commentary.models import Collection, CollectionEntry, Quote

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seeds" / "000_aa418d320d159343.txt"
SEED_SLUG = "is-there-life-after-new-start"


class Rollback(Exception):
    pass


def rolled_back(work):
    result = {}
    try:
        with transaction.atomic():
            result["value"] = work()
            raise Rollback
    except Rollback:
        pass
    return result["value"]


def ensure_seed():
    if not Collection.objects.filter(slug=SEED_SLUG).exists():
        call_command("load_seed", verbosity=0)


def said_on(quote):
    return iso_partial_date(quote.said_on, quote.date_precision) or None


def accuracy():
    ensure_seed()
    proposed = preview.read(SEED.read_bytes())
    truth = list(
        CollectionEntry.objects.filter(section__collection__slug=SEED_SLUG)
        .select_related("section", "quote")
        .order_by("section__position", "position")
    )
    fields = ["speakers", "date", "outlets", "section", "kind", "text"]
    right = dict.fromkeys(fields, 0)
    wrong = {field: [] for field in fields}
    pairs = list(zip(proposed.entries, truth, strict=False))
    section_of = {id(e): s.title for s in proposed.sections for e in s.entries}
    for position, (entry, seed) in enumerate(pairs, start=1):
        quote = seed.quote
        cited = {
            c.source.outlet.slug
            for c in quote.citations.select_related("source__outlet")
            if c.role in ("first", "relay") and c.source.outlet
        }
        checks = {
            "speakers": [s.expert.slug if s.expert else None for s in entry.speakers]
            == [s.expert.slug for s in quote.speakers.order_by("position")],
            "date": entry.said_on == said_on(quote),
            "outlets": {o.outlet.slug for o in entry.outlets if o.outlet} == cited
            and all(o.outlet for o in entry.outlets),
            "section": section_of[id(entry)] == seed.section.title_zh,
            "kind": entry.kind == quote.kind,
            "text": entry.text == quote.text,
        }
        for field, ok in checks.items():
            if ok:
                right[field] += 1
            else:
                wrong[field].append(position)
    return len(proposed.entries), len(truth), right, wrong


def timed(work, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        rolled_back(work)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def preview_seeded():
    ensure_seed()
    start = time.perf_counter()
    proposed = preview.read(SEED.read_bytes())
    elapsed = time.perf_counter() - start
    assert {e.change for e in proposed.entries} == {"same"}, "the seed was not recognised"
    return elapsed


def import_new():
    # Under a new title, so that it is not the seed collection imported again; in an
    # archive without the seed every expert, outlet and source is new.
    text = SEED.read_text("utf-8").replace("全球专家评述", "【基准】全球专家评述", 1)
    start = time.perf_counter()
    proposed = preview.read(text)
    previewed = time.perf_counter() - start
    report = apply.apply(proposed)
    return previewed, time.perf_counter() - start - previewed, report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    statements = Quote.objects.count()
    print(f"database: {connection.vendor}, {statements:,} statements")

    if Collection.objects.filter(slug=SEED_SLUG).exists() or not statements:
        proposed, seeded, right, wrong = rolled_back(accuracy)
        print(f"\naccuracy before corrections: {proposed} proposed, {seeded} in the seed")
        for field, count in right.items():
            share = 100 * count / seeded
            misses = f"  wrong: {wrong[field]}" if wrong[field] else ""
            print(f"  {field:<9} {count:>3}/{seeded}  {share:5.1f} %{misses}")
        previews = [rolled_back(preview_seeded) for _ in range(args.repeat)]
        print(f"\npreview of the seed round-up (seed loaded): {statistics.median(previews):.2f} s")
    else:
        # The seed fixtures carry fixed keys, which a generated archive's rows already hold.
        print("\naccuracy and the seeded preview: skipped (they load the seed, which needs an")
        print("archive that holds the seed already or nothing at all)")

    runs = [rolled_back(import_new) for _ in range(args.repeat)]
    report = runs[0][2]
    print(
        f"preview, archive without the seed: {statistics.median(r[0] for r in runs):.2f} s\n"
        f"import ({report.created} statements, {report.new_experts} new experts, "
        f"{report.new_outlets} new outlets): {statistics.median(r[1] for r in runs):.2f} s"
    )
    assert parsing.MAX_LINES  # the limits the README quotes
    print(f"\nlimits: {parsing.MAX_BYTES / 1e6:g} MB, {parsing.MAX_LINES:,} lines per text")


if __name__ == "__main__":
    main()
