"""Every third-party module the product imports is a declared dependency.

`make demo` on a fresh machine installs the product's own dependencies, without the dev tools
the tests run with; a module that only a dev tool happens to bring (numpy came with pandas)
would pass every test and fail there. Imports made only for type checking do not count.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "fangpin"
# Modules that may need an optional extra: the extra, and the files allowed to import it.
EXTRAS = {"spark": {"spark_engine.py"}}


def _names(requirements: list[str]) -> set[str]:
    return {_normal(re.split(r"[=<>!~\[ ;]", r, maxsplit=1)[0]) for r in requirements}


def _normal(name: str) -> str:
    return name.lower().replace("_", "-")


def _imports(path: Path) -> set[str]:
    """Top-level modules imported by a file, leaving out `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_every_module_the_product_imports_is_a_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _names(project["dependencies"])
    extras = {k: _names(v) for k, v in project["optional-dependencies"].items()}
    distributions = packages_distributions()
    undeclared = []
    for path in sorted(SOURCE.rglob("*.py")):
        for module in sorted(_imports(path)):
            if module in sys.stdlib_module_names or module == "fangpin":
                continue
            names = {_normal(d) for d in distributions.get(module, [module])}
            allowed = set(runtime)
            for extra, files in EXTRAS.items():
                if path.name in files:
                    allowed |= extras[extra]
            if not names & allowed:
                undeclared.append(f"{path.relative_to(ROOT)}: {module} ({', '.join(names)})")
    assert undeclared == []
