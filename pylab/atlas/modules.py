"""Free-threading and subinterpreter readiness of one extension module, in a fresh child.

The child imports the module and reports `sys._is_gil_enabled()` after it (None where the
interpreter has no such call: a build before 3.13), the module that made CPython switch the
GIL back on (from the RuntimeWarning it gives, "The global interpreter lock (GIL) has been
enabled to load module '...'"), and whether the module loads in a subinterpreter with its
own GIL (the `isolated` configuration of `_interpreters`, 3.13+; `_xxsubinterpreters` on
3.12; before 3.12 subinterpreters share one GIL, and `own_gil` says so), with the error
where it does not. One module per child: the GIL, once on, stays on
in that process, and a module that crashes its subinterpreter takes only its own child.
The script needs nothing but the standard library, so it runs under any interpreter.
"""

from __future__ import annotations

import json
from typing import Any

SCRIPT = r'''
import importlib, json, re, sys, warnings
name = sys.argv[1]
out = {"module": name, "gil_enabled_after_import": None, "enabled_by": None,
       "import_error": None, "subinterpreters": None}
with warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    try:
        importlib.import_module(name)
    except BaseException as exc:
        out["import_error"] = f"{type(exc).__name__}: {exc}"
if hasattr(sys, "_is_gil_enabled") and out["import_error"] is None:
    out["gil_enabled_after_import"] = sys._is_gil_enabled()
for w in seen:
    m = re.search(r"GIL\) has been enabled to load module '([^']+)'", str(w.message))
    if m:
        out["enabled_by"] = m.group(1)
        break
def sub():
    code = f"import {name}"
    try:
        import _interpreters as api
        iid = api.create("isolated")
        try:
            exc = api.exec(iid, code)
        finally:
            api.destroy(iid)
        if exc is None:
            return {"loads": True, "reason": None, "own_gil": True}
        return {"loads": False, "reason": f"{exc.type.__name__}: {exc.msg}", "own_gil": True}
    except ImportError:
        pass
    try:
        import _xxsubinterpreters as api
    except ImportError:
        return {"loads": None, "reason": "this interpreter has no subinterpreter API",
                "own_gil": None}
    own = sys.version_info >= (3, 12)  # before 3.12 every subinterpreter shares the GIL
    iid = api.create(isolated=True)
    try:
        api.run_string(iid, code)
        return {"loads": True, "reason": None, "own_gil": own}
    except Exception as exc:
        return {"loads": False, "reason": f"{type(exc).__name__}: {exc}", "own_gil": own}
    finally:
        api.destroy(iid)
if out["import_error"] is None:
    try:
        out["subinterpreters"] = sub()
    except Exception as exc:
        out["subinterpreters"] = {"loads": None, "reason": f"{type(exc).__name__}: {exc}",
                                  "own_gil": None}
print("@@pylab-module " + json.dumps(out), flush=True)
'''

MARK = "@@pylab-module "


def command(executable: str, module: str) -> list[str]:
    """The child's command line: the script under `executable`, for `module`."""
    return [executable, "-c", SCRIPT, module]


def parse(output: str, module: str) -> dict[str, Any] | None:
    """The child's report in its output, or None if it sent none."""
    for line in output.splitlines():
        if line.startswith(MARK):
            found = json.loads(line[len(MARK):])
            if found.get("module") == module:
                return found
    return None


def libraries_modules(entries: list[Any]) -> dict[str, list[str]]:
    """Each extension module the entries name, with the libraries that use it, in order."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        for module in entry.modules:
            users = found.setdefault(module, [])
            if entry.library not in users:
                users.append(entry.library)
    return found
