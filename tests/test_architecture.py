"""The project's import graph: dependencies run one way, and nothing imports in a circle.

Every import is read, also those inside functions, which hide a cycle from Python's start-up
but not from a reader.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("landtagstalk", "events", "registrations")

# The pages that show an event together with its registrations, and what they may read of
# registrations. Every other module of events is its domain and imports nothing from it.
PAGES_OF_BOTH = {
    # The event page shows whether and how one registers, with the seats left.
    "events.views": {"registrations.selectors"},
    # The API answers with the registration state and the seats left.
    "events.api": {"registrations.selectors"},
    # The embedded list shows the registration state of each event.
    "events.embed": {"registrations.selectors"},
    # The figures on the event's admin page: counts per status and per day, the last purge.
    "events.dashboard": {"registrations.selectors"},
    # The event's admin page: counts, who a change would reach, messages and notices sent;
    # and the feedback results with their CSV download (registrations.feedback).
    "events.admin": {"registrations.selectors", "registrations.feedback"},
}
# Modules on top of those pages: they reach what the pages read, import nothing of it.
ON_TOP_OF_PAGES = {
    "events.urls",  # the URLconf of the pages
    "events.templatetags.embed_tags",  # the admin's embed code, made by the embed page
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def imported_names(path: Path, module: str) -> set[str]:
    """Every dotted name ``module`` imports, anywhere in the file, relative ones resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (a name resolves to its longest module)."""
    modules = project_modules()
    graph = {}
    for module, path in modules.items():
        targets = set()
        for name in imported_names(path, module):
            while name and name not in modules:
                name = name.rpartition(".")[0]
            # "from registrations import selectors" names the package too; the module counts.
            if name and name != module and name not in APPS:
                targets.add(name)
        graph[module] = targets
    return graph


def cycles(graph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_reads_imports_inside_functions():
    graph = import_graph()

    # registrations/apps.py imports its checks and signal receivers inside ready().
    assert {"registrations.checks", "registrations.changes"} <= graph["registrations.apps"]
    assert "events.services" in graph["registrations.services"]


def test_no_module_imports_in_a_circle():
    assert cycles(import_graph()) == []


def reachable(graph, module) -> set[str]:
    """Every module ``module`` imports, directly or through others."""
    seen, todo = set(), [module]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_events_domain_reaches_nothing_of_registrations():
    """Not directly, and not through a page module either (the embed's template tag once)."""
    graph = import_graph()
    above = {*PAGES_OF_BOTH, *ON_TOP_OF_PAGES}
    domain = [m for m in graph if m.startswith("events") and m not in above]

    reached = {
        module: sorted(t for t in reachable(graph, module) if t.startswith("registrations"))
        for module in domain
    }

    assert "events.services" in domain and "events.models" in domain
    assert {module: found for module, found in reached.items() if found} == {}


def test_pages_of_both_read_only_what_they_are_allowed():
    graph = import_graph()
    wrong = {
        module: sorted(
            target
            for target in graph[module]
            if target.startswith("registrations") and target not in allowed
        )
        for module, allowed in PAGES_OF_BOTH.items()
    }
    assert {module: found for module, found in wrong.items() if found} == {}
    for module in ON_TOP_OF_PAGES:
        assert not any(t.startswith("registrations") for t in graph[module]), module


def test_landtagstalk_imports_no_app_but_in_its_urls():
    """The project package (settings, permissions, cache, security) sits below both apps;
    only its URLconf, which puts the apps' pages together, names them."""
    wrong = {
        module: sorted(t for t in targets if not t.startswith("landtagstalk"))
        for module, targets in import_graph().items()
        if module.startswith("landtagstalk") and module != "landtagstalk.urls"
    }
    assert {module: targets for module, targets in wrong.items() if targets} == {}
