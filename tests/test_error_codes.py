"""Every error code the product answers with is a member of one app's enum (`error_codes.py`):
API clients and the pages' advice match on these, so none may be made up on the spot."""

from __future__ import annotations

import ast
import enum
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import fangpin
from fangpin.core.errors import FangpinError

SRC = Path(fangpin.__file__).parent
ERRORS = {"FangpinError", "BadValue", "NotFound", "Forbidden", "Conflict", "TooManyAttempts"}
# Helpers that forward a code given as a positional argument: name -> its position.
FORWARDERS = {"_fail": 1, "_choice": 3, "_error": 3, "_required": 2}


def _enums() -> set[str]:
    codes: set[str] = set()
    for module in pkgutil.walk_packages([str(SRC)], "fangpin."):
        if module.name.endswith(".error_codes"):
            for value in vars(importlib.import_module(module.name)).values():
                if isinstance(value, type) and issubclass(value, enum.StrEnum):
                    codes |= {str(member) for member in value}
    return codes


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _value(node: ast.expr, namespace: dict[str, Any]) -> str | None:
    """The code an argument stands for; None for a variable passed through (checked where the
    caller wrote it)."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    try:
        value = eval(compile(ast.Expression(node), "<code>", "eval"), namespace)  # noqa: S307
    except (NameError, AttributeError):
        return None
    return str(value) if isinstance(value, str) else None


def _raised() -> dict[str, str]:
    """Every code written in the product: {code: where}."""
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        namespace: dict[str, Any] | None = None
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            args: list[ast.expr] = []
            if name in ERRORS or name.endswith("Error") or name == "Unauthenticated":
                args = [kw.value for kw in node.keywords if kw.arg == "code"]
            if name in FORWARDERS and len(node.args) > FORWARDERS[name]:
                args.append(node.args[FORWARDERS[name]])
            for arg in args:
                if namespace is None:
                    namespace = dict(vars(importlib.import_module(_module_name(path))))
                code = _value(arg, namespace)
                if code is not None:
                    found[code] = f"{path.relative_to(SRC)}:{node.lineno}"
    return found


def _classes(cls: type[FangpinError]) -> list[type[FangpinError]]:
    return [cls, *(sub for child in cls.__subclasses__() for sub in _classes(child))]


def test_every_code_the_product_raises_is_in_an_error_code_enum() -> None:
    known = _enums()
    raised = _raised()
    assert len(raised) > 60  # the walk finds the raises (guards, services, ingest, API)
    missing = {code: where for code, where in raised.items() if code not in known}
    assert not missing, missing


def test_every_error_class_default_code_is_in_an_error_code_enum() -> None:
    for module in pkgutil.walk_packages([str(SRC)], "fangpin."):
        if ".migrations" not in module.name and "management" not in module.name:
            importlib.import_module(module.name)
    known = _enums()
    assert {cls.code for cls in _classes(FangpinError)} <= known
