"""Who may import whom (docs/architecture.md, "Packages"): read from the source with ``ast``, so
a new import that breaks the shape fails here, naming the modules.

- no import cycle in ``planalign_core`` or ``benchmarks`` (function-level imports count);
- neither engine imports the other: they meet in ``engines.contract``;
- only the CLI and ``commands`` import ``commands``; only ``commands`` import ``simulate``;
- ``rules`` and ``engines.contract`` import no engine, no store, no command.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def import_graph(package: str) -> dict[str, set[str]]:
    """module -> the modules of ``package`` it imports (``a.b`` for ``from a import b`` when
    ``a.b`` is a module, else ``a``)."""
    root = REPO / package
    modules: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    prefix = here[: len(here) - node.level + 1]
                    base = ".".join([*prefix, base] if base else prefix)
                # ``from a import b``: module ``a.b`` if it is one (Python initialises package
                # ``a`` first, the usual pattern, not counted), else a name defined in ``a``
                for alias in node.names:
                    member = f"{base}.{alias.name}"
                    targets.add(member if member in modules else base)
        graph[name] = {_owner(t, modules) for t in targets if _owner(t, modules)} - {name}
    return graph


def _owner(target: str, modules: dict[str, Path]) -> str:
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("package", ["planalign_core", "benchmarks"])
def test_no_import_cycle(package: str) -> None:
    assert cycles(import_graph(package)) == []


def test_cycles_are_found() -> None:
    """The check can fail: a two-module loop is reported."""
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def _edges(graph: dict[str, set[str]], source: str, target: str) -> list[tuple[str, str]]:
    return sorted(
        (s, t)
        for s, targets in graph.items()
        for t in targets
        if (s == source or s.startswith(source + "."))
        and (t == target or t.startswith(target + "."))
    )


def test_neither_engine_imports_the_other() -> None:
    graph = import_graph("planalign_core")
    polars, dbt = "planalign_core.engines.polars_engine", "planalign_core.engines.dbt_"
    assert _edges(graph, polars, "planalign_core.engines.dbt_driver") == []
    assert _edges(graph, polars, "planalign_core.engines.dbt_inputs") == []
    for module in ("dbt_driver", "dbt_inputs", "dbt_session"):
        assert _edges(graph, f"{dbt}{module.removeprefix('dbt_')}", polars) == []


def test_only_the_cli_and_commands_reach_commands_and_simulate() -> None:
    graph = import_graph("planalign_core")
    allowed = ("planalign_core.cli", "planalign_core.commands")
    # A sweep is many runs: it shares a run's inputs (``run_inputs``) and its metadata row
    # (``run_report``) with ``simulate``, never ``simulate`` itself.
    for target in ("planalign_core.commands", "planalign_core.simulate"):
        users = {s for s, t in _edges(graph, "planalign_core", target) if not s.startswith(target)}
        assert {u for u in users if not u.startswith(allowed)} == set(), target


def test_the_shared_layers_import_no_engine_store_or_command() -> None:
    graph = import_graph("planalign_core")
    for layer in ("planalign_core.rules", "planalign_core.engines.contract"):
        for banned in (
            "planalign_core.engines.polars_engine",
            "planalign_core.engines.dbt_driver",
            "planalign_core.store",
            "planalign_core.commands",
            "planalign_core.simulate",
        ):
            assert _edges(graph, layer, banned) == [], (layer, banned)


MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def test_units_stay_small() -> None:
    """No module over 400 lines, no function over 60, in planalign_core: a unit that grows past
    them is split where the split has a name."""
    too_long = []
    for path in sorted((REPO / "planalign_core").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(REPO))
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{name}: {node.name} {length} lines")
    assert too_long == []


def unnamed_engine_collects(source: str) -> list[int]:
    """Lines of ``source`` calling ``collect`` or ``collect_all`` without ``engine=``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            named = any(keyword.arg == "engine" for keyword in node.keywords)
            if name in ("collect", "collect_all") and not named:
                lines.append(node.lineno)
    return lines


def test_every_collect_names_its_engine() -> None:
    """Every lazy query of the package runs on ``planalign_core.collect.ENGINE``: Polars 2's
    default (streaming) costs a quarter more CPU on the engine's plans."""
    unnamed = [
        f"{path.relative_to(REPO)}:{line}"
        for path in sorted((REPO / "planalign_core").rglob("*.py"))
        for line in unnamed_engine_collects(path.read_text(encoding="utf-8"))
    ]
    assert unnamed == []


def test_unnamed_collects_are_found() -> None:
    """The check above sees a bare ``collect()`` and a bare ``pl.collect_all``."""
    source = "a = f.collect()\nb = pl.collect_all(x)\nc = f.collect(engine=E)\n"
    assert unnamed_engine_collects(source) == [1, 2]


# Where the rules are translated: a number of the rules typed here (a rate scale, a limit, an
# age) would be a second copy of docs/rules.md and the packaged configuration.
RULE_PACKAGES = ("engines", "rules", "history", "census", "store")


def typed_numbers(source: str) -> list[str]:
    """Numeric literals of four or more digits in ``source`` outside module-level constants
    (an UPPER_CASE name is where a number is given its one name)."""
    tree = ast.parse(source)
    named: set[int] = set()
    for node in tree.body:
        targets = (
            node.targets if isinstance(node, ast.Assign)
            else [node.target] if isinstance(node, ast.AnnAssign) else []
        )  # fmt: skip
        if targets and all(isinstance(t, ast.Name) and t.id.isupper() for t in targets):
            named.update(id(sub) for sub in ast.walk(node))
    return [
        f"{node.lineno}: {node.value}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and type(node.value) in (int, float)
        and abs(node.value) >= 1000
        and id(node) not in named
    ]


def test_no_rule_number_is_typed_in_python() -> None:
    """The Python twin of test_dbt_project's check: the engines, rules, history, census and
    store name every number of four or more digits once, as a module constant."""
    found = [
        f"{path.relative_to(REPO)}:{where}"
        for package in RULE_PACKAGES
        for path in sorted((REPO / "planalign_core" / package).rglob("*.py"))
        for where in typed_numbers(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_typed_numbers_are_found() -> None:
    """A literal in an expression is found; one given a constant's name is not."""
    source = "RATE_SCALE = 10_000\n\ndef f(x):\n    return x * 10_000 + 2\n"
    assert typed_numbers(source) == ["4: 10000"]
