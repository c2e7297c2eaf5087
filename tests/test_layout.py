"""The house rules of bot/, checked on the source (no import of the bot needed, except the
registries' test at the end).

Layers, lowest first; a module may import its own layer and those below, never above:

    0  bot.config                      settings from the environment; imports no bot module
    1  bot.storage                     models, engine, migrations, the SQL FSM storage
    2  bot.services                    the rules; no aiogram of any kind
    3  bot.dialogs, bot.handlers,      what talks to Telegram or runs beside the handlers;
       bot.jobs, bot.middlewares,      bot.i18n and bot.commands import aiogram and services,
       bot.telegram, bot.i18n,         and dialogs, handlers, jobs and the factory use them,
       bot.commands                    so they sit here too
    4  bot.factory                     wires layer 3 into one dispatcher
    5  bot.__main__, bot.webhook       the process: factory, jobs, lifecycle; the webhook
                                       server that serves the dispatcher over HTTP

Within layer 3: dialogs and handlers do not import jobs, and jobs do not import dialogs or
handlers (what both need lives in services, e.g. bot/services/report_kinds.py).

Every import counts, also those inside functions and under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS: dict[str, int] = {
    "bot.config": 0,
    "bot.storage": 1,
    "bot.services": 2,
    "bot.dialogs": 3,
    "bot.handlers": 3,
    "bot.jobs": 3,
    "bot.middlewares": 3,
    "bot.telegram": 3,
    "bot.i18n": 3,
    "bot.commands": 3,
    "bot.factory": 4,
    "bot.__main__": 5,
    "bot.webhook": 5,
}
# (importer, imported) pairs refused although the layers would allow them.
APART = {
    ("bot.dialogs", "bot.jobs"),
    ("bot.handlers", "bot.jobs"),
    ("bot.jobs", "bot.dialogs"),
    ("bot.jobs", "bot.handlers"),
}
NO_AIOGRAM = ("bot.config", "bot.services")  # nor aiogram_dialog, aiogram_i18n

MODULE_MAX = 600
FUNCTION_MAX = 80
# Over the limits for now. Path (module) or dotted qualified name (function) → reason.
# Modules or functions allowed over the limits, with the reason (none today).
SIZE_EXCEPTIONS: dict[str, str] = {}

SERVICE_CLASS = re.compile(r"^[A-Z]\w*Service$")
# A service may build another it is made of; class → why.
COMPOSED_SERVICES: dict[str, str] = {
    "HeadcountService": "MunicipalityService shows the municipality's missing headcounts",
    "MatchingService": "PairService proposes mentors with the matching rules",
}


# --- reading the source --------------------------------------------------------------------


def python_files(root: Path) -> Iterator[Path]:
    for path in sorted((root / "bot").rglob("*.py")):
        if "migrations" not in path.relative_to(root).parts:
            yield path


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(root: Path, path: Path, tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in the file, relative ones resolved."""
    package = module_name(root, path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            yield node.lineno, name
            for alias in node.names:  # `from bot import factory` imports bot.factory
                yield node.lineno, f"{name}.{alias.name}"


def layer_of(module: str) -> str | None:
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return prefix
    return None


def import_violations(root: Path) -> list[str]:
    found: list[str] = []
    for path in python_files(root):
        source = layer_of(module_name(root, path))
        if source is None:
            continue
        where = path.relative_to(root)
        seen: set[tuple[int, str]] = set()
        for line, name in imported(root, path, ast.parse(path.read_text())):
            top = name.split(".")[0]
            if source in NO_AIOGRAM and top.startswith("aiogram"):
                if (line, top) not in seen:
                    seen.add((line, top))
                    found.append(f"{where}:{line}: {source} imports {top} (no aiogram here)")
                continue
            target = layer_of(name)
            if target is None or target == source or (line, target) in seen:
                continue
            seen.add((line, target))
            if LAYERS[target] > LAYERS[source]:
                found.append(f"{where}:{line}: {source} imports {target}, a layer above")
            elif (source, target) in APART:
                found.append(f"{where}:{line}: {source} imports {target} (kept apart)")
    return found


def qualified_functions(
    tree: ast.AST, prefix: str
) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield f"{prefix}.{node.name}", node
            yield from qualified_functions(node, f"{prefix}.{node.name}")
        elif isinstance(node, ast.ClassDef):
            yield from qualified_functions(node, f"{prefix}.{node.name}")
        else:
            yield from qualified_functions(node, prefix)


def oversized(root: Path) -> dict[str, str]:
    """Modules over MODULE_MAX lines and functions over FUNCTION_MAX: name → measure."""
    found: dict[str, str] = {}
    for path in python_files(root):
        text = path.read_text()
        where = str(path.relative_to(root))
        lines = len(text.splitlines())
        if lines > MODULE_MAX:
            found[where] = f"{where}: {lines} lines"
        for name, node in qualified_functions(ast.parse(text), module_name(root, path)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > FUNCTION_MAX:
                found[name] = f"{where}:{node.lineno}: {name} is {length} lines"
    return found


def service_classes(root: Path) -> dict[str, str]:
    """Service class → where it is defined."""
    found: dict[str, str] = {}
    for path in sorted((root / "bot" / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and SERVICE_CLASS.match(node.name):
                found[node.name] = f"{path.relative_to(root)}:{node.lineno}"
    return found


def hub_services(root: Path) -> set[str]:
    """The classes ServiceHub's properties return (their return annotations)."""
    tree = ast.parse((root / "bot" / "services" / "hub.py").read_text())
    hub = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "ServiceHub")
    return {
        ast.unparse(node.returns).strip("'\"")
        for node in hub.body
        if isinstance(node, ast.FunctionDef) and node.returns is not None
    }


def service_violations(root: Path) -> list[str]:
    found = [
        f"{where}: {name} is not a property of ServiceHub (bot/services/hub.py)"
        for name, where in service_classes(root).items()
        if name not in hub_services(root)
    ]
    hub = root / "bot" / "services" / "hub.py"
    for path in python_files(root):
        if path == hub:
            continue
        inside = (root / "bot" / "services") in path.parents
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if not SERVICE_CLASS.match(name) or (inside and name in COMPOSED_SERVICES):
                continue
            found.append(
                f"{path.relative_to(root)}:{node.lineno}: builds {name} itself "
                "(take it from the ServiceHub)"
            )
    return found


# --- the rules on this tree ------------------------------------------------------------------


def test_imports_keep_to_the_layers() -> None:
    violations = import_violations(ROOT)
    assert not violations, "imports against the layers:\n" + "\n".join(violations)


def test_modules_and_functions_keep_to_their_size() -> None:
    over = [text for name, text in oversized(ROOT).items() if name not in SIZE_EXCEPTIONS]
    assert not over, (
        f"over {MODULE_MAX} lines a module or {FUNCTION_MAX} a function:\n" + "\n".join(over)
    )


def test_every_module_has_a_layer() -> None:
    unplaced = [
        module_name(ROOT, path)
        for path in python_files(ROOT)
        if layer_of(module_name(ROOT, path)) is None
        and module_name(ROOT, path) not in {"bot", "bot.__init__"}
    ]
    assert not unplaced, f"add these to LAYERS: {unplaced}"


def test_size_exceptions_are_still_needed() -> None:
    stale = sorted(set(SIZE_EXCEPTIONS) - set(oversized(ROOT)))
    assert not stale, "no longer over the limits, remove from SIZE_EXCEPTIONS:\n" + "\n".join(stale)


def test_every_service_comes_from_the_hub() -> None:
    violations = service_violations(ROOT)
    assert not violations, "\n".join(violations)


def test_importing_registers_nothing_and_the_start_registers_everything() -> None:
    """RICH, REPORTS and OPENERS are filled by the calls at start (bot.jobs.create_jobs,
    bot.factory.create_dispatcher), not as a side effect of importing a module; and every
    report a person may ask for has a builder. In a fresh interpreter: this process's other
    tests may have started the bot already."""
    script = """
import importlib, pkgutil
import bot
for info in pkgutil.walk_packages(bot.__path__, "bot."):
    if ".migrations" not in info.name and info.name != "bot.__main__":
        importlib.import_module(info.name)
from bot.handlers.open import OPENERS
from bot.jobs.render import RICH
from bot.jobs.report_registry import REPORTS
from bot.services.outbox import subscribe
listeners = subscribe.__globals__["_listeners"]  # wherever the outbox's split put it
assert not RICH and not REPORTS and not OPENERS and not listeners, (
    list(RICH), list(REPORTS), list(OPENERS), listeners)
from bot.handlers import openers
from bot.jobs import register_builders
from bot.services.report_kinds import REPORT_KEYS
register_builders()
openers.register()
assert set(REPORTS) == set(REPORT_KEYS), (list(REPORTS), REPORT_KEYS)
assert "report" in RICH and "recognition-accept" in OPENERS, (list(RICH), list(OPENERS))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]


# --- the checks catch what they are for ------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_import_check_finds_each_kind_of_violation(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "bot/__init__.py": "",
            "bot/services/__init__.py": "",
            "bot/services/bad.py": (
                "from aiogram import Bot\n"
                "def late():\n"
                "    from bot.factory import service_settings\n"
                "from ..dialogs import widgets\n"
            ),
            "bot/jobs/__init__.py": "",
            "bot/jobs/bad.py": "import bot.handlers.start\n",
            "bot/dialogs/__init__.py": "",
            "bot/dialogs/bad.py": "from bot import jobs\nfrom bot.services import hub\n",
            "bot/storage/__init__.py": "",
            "bot/storage/bad.py": "if False:\n    from bot.services.hub import ServiceHub\n",
            "bot/config.py": "from bot.storage import models\n",
        },
    )
    found = import_violations(root)
    expected = [
        "bot/config.py:1: bot.config imports bot.storage, a layer above",
        "bot/dialogs/bad.py:1: bot.dialogs imports bot.jobs (kept apart)",
        "bot/jobs/bad.py:1: bot.jobs imports bot.handlers (kept apart)",
        "bot/services/bad.py:1: bot.services imports aiogram (no aiogram here)",
        "bot/services/bad.py:3: bot.services imports bot.factory, a layer above",
        "bot/services/bad.py:4: bot.services imports bot.dialogs, a layer above",
        "bot/storage/bad.py:2: bot.storage imports bot.services, a layer above",
    ]
    assert sorted(found) == expected


def test_the_size_check_measures_modules_and_functions(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_MAX))
    root = write(
        tmp_path,
        {
            "bot/long.py": "\n" * MODULE_MAX + "x = 1\n",
            "bot/services/fine.py": f"def fits():\n{body[: body.rfind(chr(10))]}\n",
            "bot/services/big.py": "class Big:\n    def method(self):\n"
            + body.replace("    ", "        ")
            + "\n",
            "bot/storage/migrations/versions/huge.py": "\n" * 700,
        },
    )
    assert sorted(oversized(root)) == ["bot.services.big.Big.method", "bot/long.py"]


def test_the_service_check_finds_a_service_built_by_hand(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "bot/services/hub.py": (
                "class ServiceHub:\n"
                "    def users(self) -> UserService:\n"
                "        return UserService(self.session)\n"
            ),
            "bot/services/users.py": "class UserService: ...\nclass ExtraService: ...\n",
            "bot/services/municipality.py": "HeadcountService(session)\n",
            "bot/dialogs/x.py": "from bot.services import users\nusers.UserService(s)\n",
        },
    )
    assert sorted(service_violations(root)) == [
        "bot/dialogs/x.py:2: builds UserService itself (take it from the ServiceHub)",
        "bot/services/users.py:2: ExtraService is not a property of ServiceHub "
        "(bot/services/hub.py)",
    ]
