"""The app's rooms and who may import whom (README, "Layout"), read from the source.

Every ``import`` in ``commentary/`` counts, at module level or inside a function: an import
deferred into a function to dodge a cycle still ties the two modules together. New modules
fall under the rules of the room they are put in without editing this test.
"""

import ast
from pathlib import Path

import pytest
from django.db.models import signals

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "commentary"

# Helpers that know nothing of the app: each imports nothing from it but other leaves
# (the full-text SQL builds on the query language of ``search.text``; ``dates`` reads the
# precisions in ``choices``).
LEAVES = {
    "choices",
    "dates",
    "links",
    "locking",
    "site",
    "search.text",
    "search.fulltext",
    "outputs.streaming",
}
# The data model and its named queries and permanent addresses: they use only leaves.
CORE = {"models", "querysets", "slugs"}
# Entry points: the public pages, the read API, the editors' admin, the template tags.
# None of them imports another.
ENTRY_POINTS = ("views", "api", "admin", "templatetags")
ROOMS = (
    "search",
    "browse",
    "editorial",
    "outputs",
    "counting",
    "caching",
    "importing",
    "preservation",
    "service",
)


def module_name(path):
    parts = list(path.relative_to(APP).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name):
    """Whether ``name`` (relative to the app) is a module or package of the app."""
    path = APP.joinpath(*name.split(".")) if name else APP
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(path):
    """The app's modules ``path`` imports (relative names: ``"search.text"``)."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
                if not (module == "commentary" or module.startswith("commentary.")):
                    continue
                module = module.removeprefix("commentary").lstrip(".")
            # ``from . import slugs`` imports the module ``slugs``; ``from .x import f`` ``x``.
            targets = [
                f"{module}.{alias.name}".lstrip(".")
                if is_module(f"{module}.{alias.name}".lstrip("."))
                else module
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            if target.startswith("commentary."):
                target = target.removeprefix("commentary.")
            if target and target != name and is_module(target):
                found.add(target)
    return found


def app_modules():
    return {
        module_name(path): path
        for path in sorted(APP.rglob("*.py"))
        if "migrations" not in path.relative_to(APP).parts
    }


def room_of(name):
    """``"browse"`` for ``browse.listing``; the module itself at the top level."""
    return name.split(".")[0]


def within(name, *prefixes):
    return any(name == p or name.startswith(f"{p}.") for p in prefixes)


def broken_rules(graph):
    """``["module imports other: rule", ...]`` for the import graph ``{module: {imports}}``."""
    broken = []
    for module, imported in sorted(graph.items()):
        for other in sorted(imported):
            rule = None
            if module in LEAVES and other not in LEAVES:
                rule = "a leaf helper imports only other leaves"
            elif module in CORE and other not in LEAVES | CORE:
                rule = "the core (models, querysets, slugs) imports only leaves"
            elif within(module, "caching") and not within(other, "caching") and other not in LEAVES:
                rule = "caching/ knows nothing of the archive: it imports only leaves"
            elif (
                within(module, "service")
                and not within(other, "service", "caching")
                and other not in LEAVES
            ):
                rule = "service/ knows nothing of the archive: it imports only leaves and caching/"
            elif within(
                module, "editorial", "search", "counting", "importing", "preservation"
            ) and within(other, "browse", "outputs"):
                rule = (
                    "editorial/, search/, counting/, importing/ and preservation/ never import "
                    "browse/ or outputs/"
                )
            elif within(module, "browse") and within(other, "outputs"):
                rule = "browse/ never imports outputs/"
            elif (
                within(module, "outputs")
                and within(other, "browse")
                and other != ("browse.selection")
            ):
                rule = "outputs/ uses browse/ only through browse/selection"
            elif within(module, *ROOMS) and within(other, *ENTRY_POINTS, "urls"):
                rule = "the rooms never import the views, api/, admin/ or templatetags/"
            elif (
                within(module, *ENTRY_POINTS)
                and within(other, *ENTRY_POINTS)
                and room_of(module) != room_of(other)
            ):
                rule = "views, api/, admin/ and templatetags/ never import one another"
            elif within(other, "management") and not within(module, "management"):
                rule = "runtime code never imports management/ (commands, the generator)"
            if rule:
                broken.append(f"{module} imports {other}: {rule}")
    return broken


def test_every_module_of_the_app_keeps_the_import_rules():
    graph = {name: imports_of(path) for name, path in app_modules().items()}
    assert len(graph) > 40  # the walk found the app, subpackages included
    assert "browse.selection" in graph["outputs.feeds"]  # it sees relative imports
    assert broken_rules(graph) == []


def test_the_rules_catch_each_kind_of_wrong_import():
    """Each rule, broken once on purpose, is reported (so the test above can fail)."""
    wrong = {
        "dates": {"models"},
        "querysets": {"browse.filters"},
        "editorial.workflow": {"outputs.cite"},
        "search.index": {"browse.facets"},
        "browse.listing": {"outputs.feeds"},
        "outputs.feeds": {"browse.facets", "views"},
        "api.views": {"admin.base"},
        "views": {"management.generator"},
        "caching.pages": {"models"},
        "importing.preview": {"browse.selection", "admin.importing"},
        "service.health": {"models"},
    }
    broken = broken_rules(wrong)
    assert len(broken) == 13, broken
    assert not broken_rules({"outputs.feeds": {"browse.selection"}, "views": {"outputs.cite"}})


def test_the_leaves_and_the_core_are_where_the_rules_say():
    modules = app_modules()
    assert set(modules) >= LEAVES | CORE
    for room in ROOMS:
        assert room in modules, f"commentary/{room}/ has no __init__.py"


SIGNALS = {name for name in dir(signals) if isinstance(getattr(signals, name), signals.Signal)}


def connections(path):
    """``[(line, receiver name)]`` of every ``<signal>.connect(receiver, ...)`` in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "connect"
            and isinstance(node.func.value, ast.Name)
            and (node.func.value.id in SIGNALS or node.func.value.id == "signal")
            and node.args
        ):
            receiver = node.args[0]
            name = receiver.attr if isinstance(receiver, ast.Attribute) else ast.unparse(receiver)
            found.append((node.lineno, name))
    return found


def test_every_receiver_is_connected_in_its_rooms_receivers_module_and_listed_there():
    """One visible place per room: ``<room>/receivers.py`` connects every receiver the room
    has and names each in its docstring; the core's are in ``slugs.py``."""
    places = {}
    for name, path in app_modules().items():
        found = connections(path)
        if found:
            places[name] = path
            docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
            unlisted = [receiver for _line, receiver in found if receiver not in docstring]
            assert unlisted == [], f"{name} connects receivers its docstring does not name"
    assert set(places) == {
        "slugs",
        "search.receivers",
        "editorial.receivers",
        "caching.receivers",
        "counting.receivers",
    }


@pytest.mark.django_db
def test_one_save_moves_the_generation_on_once(make_quote, monkeypatch):
    """A statement's save (a publication, which also writes a status log row) and a change
    of its topics each move the archive's generation on exactly once, and once more when
    the transaction commits (one callback, however many rows the transaction wrote)."""
    from django.db import connection

    from commentary.caching import generation
    from commentary.models import StatusChange, Topic

    quote = make_quote(status="review")
    topic = Topic.objects.create(name="Arms control", slug="arms-control")
    bumps = []
    monkeypatch.setattr(generation, "bump", lambda: bumps.append(1))
    logged = StatusChange.objects.count()
    quote.status = "published"
    quote.save()
    assert StatusChange.objects.count() == logged + 1
    assert len(bumps) == 1
    quote.topics.add(topic)
    assert len(bumps) == 2
    pending = [c for _s, c, _r in connection.run_on_commit]
    assert pending.count(generation._bump_after_commit) == 1
