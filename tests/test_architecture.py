"""The layering rules of PRODUCT.md ("Architecture"), checked on the source itself.

The top-level packages, from the top down:

    cli/ -> tui/ -> services/ -> reports/ -> store/ -> checklists/

Dependencies point down that list and never up; only `tui` imports Textual; the command line
(argparse only) reaches `tui` exactly once, inside `run_app`, when the full-screen app
starts; and no product module imports another that imports it back, however far round.
A package that does not exist yet (`services`, `reports`) is held to its rule from its first file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cli", "tui", "services", "reports", "store", "checklists")
FRONT_ENDS = {"textual", "rich"}
# package -> top-level modules it must never import, anywhere in the file
FORBIDDEN = {
    "checklists": {"store", "services", "reports", "cli", "tui", *FRONT_ENDS},
    "store": {"services", "reports", "cli", "tui", "argparse", *FRONT_ENDS},
    "reports": {"services", "cli", "tui", "argparse", *FRONT_ENDS},
    "services": {"cli", "tui", "argparse", *FRONT_ENDS},
    "tui": {"cli", "argparse"},
    "cli": set(FRONT_ENDS),
}
# The one edge from cli up to tui: (file, function it sits in, module imported).
CLI_TO_TUI_ALLOWED = {("cli/main.py", "run_app", "tui.app")}


def imports(path: Path) -> list[tuple[str, int, str | None]]:
    """(module, line, enclosing function or None) for every import in a file.

    `from X import a` counts as X; a relative import is left as written with its dots
    (`.common`), which no top-level rule matches: `module_graph` resolves them.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, int, str | None]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                dots = "." * child.level
                found.append((dots + (child.module or ""), child.lineno, function))
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, function or child.name)
            else:
                visit(child, function)

    visit(tree, None)
    return found


def imported_roots(path: Path) -> set[tuple[str, int]]:
    """(top-level module, line) for every absolute import in a file."""
    return {
        (name.split(".")[0], line) for name, line, _ in imports(path) if not name.startswith(".")
    }


def product_files(package: str, root: Path = ROOT) -> list[Path]:
    return sorted((root / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_dependencies_point_one_way(package: str) -> None:
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in product_files(package)
        for name, line in imported_roots(path)
        if name in FORBIDDEN[package]
    ]
    assert offences == []


def test_only_tui_imports_textual() -> None:
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for package in PACKAGES
        if package != "tui"
        for path in product_files(package)
        for name, line in imported_roots(path)
        if name in FRONT_ENDS
    ]
    assert offences == []


def test_the_command_line_reaches_tui_only_to_start_the_app() -> None:
    reaches = {
        (path.relative_to(ROOT).as_posix(), function, name)
        for path in product_files("cli")
        for name, _line, function in imports(path)
        if name.split(".")[0] == "tui"
    }
    assert reaches == CLI_TO_TUI_ALLOWED
    at_module_level = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in product_files("cli")
        for name, line, function in imports(path)
        if function is None and name.split(".")[0] in {"tui", *FRONT_ENDS}
    ]
    assert at_module_level == []


# --- import cycles ------------------------------------------------------------------------


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def module_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Module -> the product modules it imports (at the top of the file or inside a function).

    `from X import a` is an edge to the module `X.a` when there is one, else to `X`; importing
    `X.a` is not counted as importing `X` as well (a package's `__init__` that gathers its own
    submodules is not a cycle).
    """
    files = {
        module_name(path, root): path
        for package in packages
        for path in product_files(package, root)
    }
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = name.split(".")
                    if not is_package:
                        anchor = anchor[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base
                    for alias in node.names
                ]
            else:
                continue
            graph[name] |= {target for target in targets if target in files and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (each is at least one cycle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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


def test_no_import_cycles() -> None:
    graph = module_graph(ROOT, PACKAGES)
    assert "cli.main" in graph and "checklists.loader" in graph  # the graph sees the code
    assert "checklists.yaml_source" in graph["checklists.language"]
    assert cycles(graph) == []


# --- the checkers themselves ----------------------------------------------------------------


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom textual.app import App\n")
    assert ("textual", 2) in imported_roots(bad)


def test_a_lazy_import_is_seen_with_its_function(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def run_app():\n    if True:\n        from tui.app import App\n")
    assert imports(bad) == [("tui.app", 3, "run_app")]


def test_the_cycle_check_catches_a_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from .a import A\n")
    (pkg / "a.py").write_text("from pkg.sub import b\nA = 1\n")
    (pkg / "sub" / "__init__.py").write_text("")
    # b reaches back to a lazily, through a relative import two levels up
    (pkg / "sub" / "b.py").write_text("def late():\n    from ..a import A\n    return A\n")
    (pkg / "c.py").write_text("from . import a\n")  # a one-way edge, not part of the cycle
    graph = module_graph(tmp_path, ("pkg",))
    assert graph["pkg.a"] == {"pkg.sub.b"}
    assert graph["pkg.sub.b"] == {"pkg.a"}
    assert graph["pkg.c"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.sub.b"]]

    (pkg / "sub" / "b.py").write_text("B = 2\n")
    assert cycles(module_graph(tmp_path, ("pkg",))) == []


# --- the front ends reach the store through the services ------------------------------------

FRONT_END_PACKAGES = ("tui", "cli")
# What `tui` and `cli` may import from `store`: its types, errors and field limits, for good.
STORE_TYPES_AND_ERRORS = {
    "store": {"Person", "Session", "Store", "StoreError", "InvalidInput", "PermissionDenied"},
    "store.crypto": {"SealError"},
    "store.sessions": {
        "DiscardedElsewhere",
        "FinishedElsewhere",
        "NotShared",
        "NotTheirs",
        "NOTE_LIMIT",
        "REFLECTION_LIMIT",
    },
    "store.supervision": {"NotSharedEntry", "ACTION_LIMIT", "COMMENT_LIMIT", "NOTES_LIMIT"},
    "store.reports.summary_model": {"Action", "RequirementFigures", "Summary"},
}
# Pure values and functions, no use case: where the store folder is (from --data-dir or the
# user data folder), the role names the parser offers, the shape of a typed action, and who a
# demo store holds (for `demo --help`; the parser is built on every start, so not a service).
STORE_VALUES = {
    "store": {"resolve_data_dir", "ROLES"},
    "store.supervision": {"new_action"},
    "store.demo_names": {"LEAD_NAME", "SUPERVISOR_NAME", "SUPERVISOR_ROLES", "practitioner_names"},
}
# The audit trail, read only: the front ends may list and verify it, never write to it.
AUDIT_READS = {"entries", "verify", "head"}
# Store methods whose use case now lives in a service: called from there, never a front end.
STORE_USE_CASES = {"add_comment", "add_record", "set_action_done", "mark_seen", "discard_draft"}
# Signing in, reading sessions, re-sharing and changing people (`services.people`,
# `services.sessions`): `store.sign_in`, `store.people.add` and the like.
STORE_USE_CASES |= {"sign_in", "readable_sessions", "reshare_all"}
STORE_USE_CASES |= {"add", "create_first", "update", "reset_passphrase", "change_passphrase"}
# Lifting a lockout (`services.people.lift_lockout`, audited as `lockout_lifted`).
STORE_USE_CASES |= {"lift"}
STORE_OWNERS = {"store", "supervision", "sessions", "people"}
SERVICE_ONLY_IMPORTS = {"build_summary", "save"}


def store_imports(path: Path) -> list[tuple[str, str, int]]:
    """(module, name, line) for every import from the store in a file (name "" for `import`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level:
            module = node.module or ""
            if module.split(".")[0] == "store":
                found.extend((module, alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(
                (alias.name, "", node.lineno)
                for alias in node.names
                if alias.name.split(".")[0] == "store"
            )
    return found


def allowed_store_import(module: str, name: str) -> bool:
    for table in (STORE_TYPES_AND_ERRORS, STORE_VALUES):
        names = table.get(module, set())
        if name in names or "*" in names:
            return True
    return False


def audit_writes_and_store_use_cases(path: Path, root: Path = ROOT) -> list[str]:
    """`….audit.<anything but a read>` (or `audit.append`) and `store….<use case>` in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
        where = f"{path.relative_to(root)}:{node.lineno}"
        if owner_name == "audit" and (
            node.attr == "append"
            or (isinstance(owner, ast.Attribute) and node.attr not in AUDIT_READS)
        ):
            found.append(f"{where} writes the audit ({node.attr})")
        if node.attr in STORE_USE_CASES and owner_name in STORE_OWNERS:
            found.append(f"{where} calls {owner_name}.{node.attr}")
    return found


@pytest.mark.parametrize("package", FRONT_END_PACKAGES)
def test_the_front_ends_write_no_audit_entry(package: str) -> None:
    offences = [
        offence
        for path in product_files(package)
        for offence in audit_writes_and_store_use_cases(path)
    ]
    assert offences == []


@pytest.mark.parametrize("package", FRONT_END_PACKAGES)
def test_the_front_ends_import_from_the_store_only_what_is_listed(package: str) -> None:
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {name or module} from {module}"
        for path in product_files(package)
        for module, name, line in store_imports(path)
        if not allowed_store_import(module, name) or name in SERVICE_ONLY_IMPORTS
    ]
    assert offences == []


def test_the_front_end_checks_catch_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from store.reports.period import build_summary\n"
        "from store import Person\n"
        "def f(app, store):\n"
        "    app.store.audit.append('export', 'a')\n"
        "    store.supervision.add_comment(1, 2, 3, 4)\n"
        "    store.discard_draft(1, 2)\n"
        "    app.store.audit.entries()\n"
        "    supervising.add_comment(store, 1, 2, 3, 4)\n"
        "    audit = app.store.audit\n"
        "    audit.append('export', 'a')\n"
        "    audit.add_subparsers()\n"
    )
    assert audit_writes_and_store_use_cases(bad, tmp_path) == [
        "bad.py:4 writes the audit (append)",
        "bad.py:5 calls supervision.add_comment",
        "bad.py:6 calls store.discard_draft",
        "bad.py:10 writes the audit (append)",
    ]
    assert [
        (module, name)
        for module, name, _ in store_imports(bad)
        if not allowed_store_import(module, name)
    ] == [("store.reports.period", "build_summary")]


def test_signing_in_and_changing_people_from_a_front_end_is_caught(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(self, store, people_use):\n"
        "    self.app.store.sign_in('Jo', 'x')\n"
        "    store.people.add('Jo', ['practitioner'], 'x')\n"
        "    store.reshare_all(person)\n"
        "    people_use.sign_in(store, 'Jo', 'x')\n"
        "    people_use.reshare(store, person)\n"
    )
    assert audit_writes_and_store_use_cases(bad, tmp_path) == [
        "bad.py:2 calls store.sign_in",
        "bad.py:3 calls people.add",
        "bad.py:4 calls store.reshare_all",
    ]
