"""The house's structure, written out: imports run one way, rooms stay small, functions stay short.

Read from the source with `ast` (no import runs):

- packages import only the layers below them: corpus < retrieval < answers < bot, with store beside
  answers (it may use corpus), reports reading the store (and corpus) but never bot, and evaluation
  using everything below bot;
- inside bot/: ops uses no other part of bot/; delivery never uses the Telegram frontend or the
  door (cli, console); the frontend never uses the door;
- no module in bot/ or store/ over 400 lines;
- no function over 60 lines anywhere outside tests (every package and benchmarks/).

Imports inside functions count: a late import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("corpus", "retrieval", "answers", "store", "reports", "evaluation", "bot")
CHECKED = (*PACKAGES, "benchmarks")  # benchmarks sit on top: any import, but short functions

# What each package may import of the others (its own modules always).
MAY_IMPORT: dict[str, set[str]] = {
    "corpus": set(),
    "retrieval": {"corpus"},
    "answers": {"corpus", "retrieval"},
    "store": {"corpus"},
    "reports": {"store", "corpus"},
    "evaluation": {"corpus", "retrieval", "answers", "store"},
    "bot": {"corpus", "retrieval", "answers", "store", "reports", "evaluation"},
}
# Inside bot/: the rooms each room must not import (the door is cli and console).
BOT_MUST_NOT_IMPORT: dict[str, set[str]] = {
    "ops": {"telegram", "delivery", "cli", "console", "runtime"},
    "delivery": {"telegram", "cli", "console"},
    "telegram": {"cli", "console"},
}
MAX_MODULE_LINES = 400
SMALL_MODULES_IN = ("bot", "store")
MAX_FUNCTION_LINES = 60

# Offenders allowed for now: none. An entry that is no longer too long fails the test below, so
# none outlives its fix.
LONG_FUNCTIONS_ALLOWED: set[tuple[str, str]] = set()
BIG_MODULES_ALLOWED: set[str] = set()


def modules(*packages: str) -> Iterator[tuple[str, ast.Module, int]]:
    """(path relative to the root, syntax tree, line count) of every module in `packages`."""
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            yield path.relative_to(ROOT).as_posix(), ast.parse(source), len(source.splitlines())


def imported(tree: ast.Module, path: str) -> Iterator[str]:
    """Dotted names of the project modules a module imports (relative imports made absolute)."""
    package = path.removesuffix(".py").split("/")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            yield module
            if node.module is None or module in PACKAGES:  # from . import x / from bot import x
                yield from (f"{module}.{alias.name}" for alias in node.names)


def too_long(tree: ast.Module) -> Iterator[tuple[str, int]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]
            if lines > MAX_FUNCTION_LINES:
                yield node.name, lines


def test_layers_import_only_the_layers_below() -> None:
    wrong = []
    for path, tree, _ in modules(*PACKAGES):
        own = path.split("/")[0]
        for name in imported(tree, path):
            top = name.split(".")[0]
            if top in PACKAGES and top != own and top not in MAY_IMPORT[own]:
                wrong.append(f"{path} imports {name}")
    assert wrong == []


def test_reports_never_import_bot() -> None:
    names = [name for path, tree, _ in modules("reports") for name in imported(tree, path)]
    assert names and not [name for name in names if name.split(".")[0] == "bot"]


def test_bot_rooms_import_down_only() -> None:
    wrong = []
    for path, tree, _ in modules("bot"):
        room = path.split("/")[1].removesuffix(".py")
        for name in imported(tree, path):
            parts = name.split(".")
            if parts[0] == "bot" and len(parts) > 1 and parts[1] in BOT_MUST_NOT_IMPORT.get(room, set()):
                wrong.append(f"{path} imports {name}")
    assert wrong == []


def test_no_module_in_bot_or_store_is_over_400_lines() -> None:
    big = {path: lines for path, _, lines in modules(*SMALL_MODULES_IN) if lines > MAX_MODULE_LINES}
    assert set(big) - BIG_MODULES_ALLOWED == set(), big
    fixed = BIG_MODULES_ALLOWED - set(big)
    assert not fixed, f"no longer over {MAX_MODULE_LINES} lines: remove {fixed} from BIG_MODULES_ALLOWED"


def test_no_function_outside_tests_is_over_60_lines() -> None:
    long = {(path, name): lines for path, tree, _ in modules(*CHECKED) for name, lines in too_long(tree)}
    assert set(long) - LONG_FUNCTIONS_ALLOWED == set(), long
    fixed = LONG_FUNCTIONS_ALLOWED - set(long)
    assert not fixed, f"no longer too long: remove {fixed} from LONG_FUNCTIONS_ALLOWED"


@pytest.mark.parametrize(
    ("source", "path", "expected"),
    [
        ("from bot.config import Config", "reports/cli.py", {"bot.config"}),
        ("def f():\n    import bot.cli", "reports/x.py", {"bot.cli"}),
        ("from .common import parse_since", "reports/cli.py", {"reports.common"}),
        ("from . import plot", "reports/cli.py", {"reports", "reports.plot"}),
        ("from bot import runtime", "bot/ops/x.py", {"bot", "bot.runtime"}),
        ("from bot.telegram import texts", "bot/delivery/x.py", {"bot.telegram"}),
        ("from ..ops import logs", "bot/delivery/x.py", {"bot.ops"}),
    ],
)
def test_the_checks_see_every_kind_of_import(source: str, path: str, expected: set[str]) -> None:
    """The rules above are only as good as `imported`: late and relative imports are seen too."""
    assert set(imported(ast.parse(source), path)) == expected


def test_the_checks_see_long_functions() -> None:
    body = "\n".join(f"    x{k} = {k}" for k in range(60))
    tree = ast.parse(f"def short():\n    pass\n\nasync def long():\n{body}\n")
    assert list(too_long(tree)) == [("long", 61)]
