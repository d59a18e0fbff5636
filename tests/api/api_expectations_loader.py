"""Other apps' API expectations, written by hand in their own test folders.

The permission matrix and the list tests in this folder cover every
endpoint on the router. An app that registers endpoints describes them in
``tests/<app>/api_expectations.py``, with any of these module attributes
(same shapes as the accounts entries in this folder's tests):

    EXPECTED        {(prefix, action): {role: status}}   who gets what
    TARGETS         {prefix: callable(world, make_user) -> record}
    CREATE_BODIES   {prefix: callable(world, make_user) -> dict}
    PUT_BODIES      {prefix: callable(record) -> dict}
    PATCH_BODIES    {prefix: dict}
    LOOKUPS         {prefix: callable(record) -> url lookup}  (default: pk)
    QUERIES         {(prefix, action): "?query string"}  for actions that need one
    LIST_QUERY_BUDGET {prefix: int}
    LIST_ROW_MAKERS {prefix: callable(count, admin, make_user)}

An endpoint with no entry fails the tests: someone must decide.
"""

import importlib.util
from functools import cache
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


@cache
def fragments():
    modules = []
    for path in sorted(TESTS.glob("*/api_expectations.py")):
        name = f"api_expectations_{path.parent.name}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(module)
    return tuple(modules)


def merged(attribute, own):
    """``own`` (this folder's table) plus every app's, which may not overlap."""
    result = dict(own)
    for module in fragments():
        theirs = getattr(module, attribute, {})
        clash = set(result) & set(theirs)
        assert not clash, f"{module.__name__}.{attribute} redefines {sorted(clash)}"
        result.update(theirs)
    return result
