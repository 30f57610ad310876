"""Which query parameters a view reads, found in its source (for the fuzz and the form pages' id checks).

A view reads `request.GET.get("x")`, `request.GET["x"]`, `request.GET.getlist("x")`, hands `request.GET` to a
django-filter FilterSet (every filter of it), or hands `request` to a helper of its own module that does any
of these (`_as_of(request)`). Reading the source keeps the list honest as views grow: a new parameter is
fuzzed the day it is added, with no list to update."""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from functools import cache


def _unwrap(func):
    while hasattr(func, "__wrapped__"):
        func = func.__wrapped__
    return func


def _reads_request_get(node: ast.AST) -> bool:
    """`request.GET` (or `self.request.GET`)."""
    return isinstance(node, ast.Attribute) and node.attr == "GET"


@cache
def _module_functions(module_name: str) -> dict[str, ast.FunctionDef]:
    module = sys.modules[module_name]
    tree = ast.parse(inspect.getsource(module))
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _params_of(node: ast.AST, module, seen: set[str]) -> set[str]:
    found: set[str] = set()
    functions = _module_functions(module.__name__)
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            # request.GET.get("x") / request.GET.getlist("x")
            if (isinstance(func, ast.Attribute) and func.attr in ("get", "getlist") and _reads_request_get(func.value)
                    and sub.args and isinstance(sub.args[0], ast.Constant) and isinstance(sub.args[0].value, str)):
                found.add(sub.args[0].value)
            # SomeFilter(request.GET ...) — every filter of the set
            if isinstance(func, ast.Name) and any(_reads_request_get(a) or (
                    isinstance(a, ast.BoolOp) and any(_reads_request_get(v) for v in a.values)) for a in sub.args):
                target = getattr(module, func.id, None)
                base_filters = getattr(target, "base_filters", None)
                if base_filters:
                    found |= set(base_filters)
            # a helper of the same module that is handed the request
            if isinstance(func, ast.Name) and func.id in functions and func.id not in seen and any(
                    isinstance(a, ast.Name) and a.id == "request" for a in sub.args):
                seen.add(func.id)
                found |= _params_of(functions[func.id], module, seen)
        elif (isinstance(sub, ast.Subscript) and _reads_request_get(sub.value)
              and isinstance(sub.slice, ast.Constant) and isinstance(sub.slice.value, str)):
            found.add(sub.slice.value)
    return found


def query_params(view) -> set[str]:
    """The query parameters `view` (a URL pattern's callback, decorated or a class view) reads."""
    func = _unwrap(getattr(view, "view_class", view))
    module = inspect.getmodule(func)
    if module is None:
        return set()
    try:
        node = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError):
        return set()
    return _params_of(node, module, {getattr(func, "__name__", "")})
