"""Classic xlwings' own worksheet-function path on Windows, run here without Windows: xlwings'
``udfs.generate_vba_wrapper`` (the VBA that "Import Functions" writes) and ``udfs.call_udf`` with
``com_server.XLPython.CallUDF`` (what that VBA calls through COM), imported from the installed xlwings
with pywin32's modules replaced by stubs.  Only the COM transport is stubbed: argument conversion, the
call, the result's conversion (``_xlwindows.Engine.prepare_xl_data_element``) and CallUDF's unwrapping
are xlwings' code.  The stub ``win32com.client.VARIANT`` mirrors pywin32's pure-Python class (its
``varianttype`` and ``value``), which pywin32's C layer turns into a VARIANT of that type
(``PyCom_VariantFromPyObject`` in com/win32com/src/oleargs.cpp).

Run as ``python classic_udf.py FUNCTION JSON_ARGS`` (the call sees ``sys.platform`` "win32", as on
Windows); prints JSON: {"vba": the wrapper's text, "result": what CallUDF hands to COM}.
"""
from __future__ import annotations

import collections
import ctypes
import json
import sys
import types


class _Any:
    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return _Any()

    def __getattr__(self, name):
        return _Any()


def _stub(name: str, **attrs) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__getattr__ = lambda attr: type(attr, (_Any,), {})
    for key, value in attrs.items():
        setattr(module, key, value)
    sys.modules[name] = module
    return module


class VARIANT:
    """pywin32's win32com.client.VARIANT: a value with the VARIANT type it is to be given."""

    def __init__(self, vt, value):
        self.varianttype = vt
        self._value = value

    value = property(lambda self: self._value)


def _not_wrapped(obj):
    raise ValueError("not a wrapped object")  # as win32com.server.util.unwrap for a plain value


def load_classic_xlwings():
    for name in ("pywintypes", "win32api", "win32con", "win32gui", "win32process", "win32timezone", "win32event"):
        _stub(name)
    sys.modules["pywintypes"].TimeType = type("TimeType", (), {})
    _stub("pythoncom", VT_ERROR=10, IID_IDispatch="IID_IDispatch",
          TypeIIDs=collections.defaultdict(lambda: type("PyIDispatch", (), {})))
    win32com = _stub("win32com")
    win32com.client = _stub("win32com.client", VARIANT=VARIANT)
    win32com.server = _stub("win32com.server")
    for part in ("dispatcher", "policy", "util"):
        setattr(win32com.server, part, _stub(f"win32com.server.{part}", unwrap=_not_wrapped))
    ctypes.oledll = ctypes.windll = _Any()
    ctypes.PyDLL = lambda *args, **kwargs: _Any()
    import xlwings
    import xlwings._xlwindows  # the engine "excel" that conversion.write uses
    from xlwings import Engine, com_server, engines, udfs

    engines.add(Engine(impl=xlwings._xlwindows.engine))
    # the decorators xlwings' __init__ exports on Windows
    xlwings.func, xlwings.arg, xlwings.ret, xlwings.script = udfs.xlfunc, udfs.xlarg, udfs.xlret, udfs.xlsub
    return udfs, com_server


def _json(value):
    if isinstance(value, VARIANT):
        return {"VARIANT": value.varianttype, "value": value.value}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value


def main(function: str, args: list) -> dict:
    udfs, com_server = load_classic_xlwings()
    import io

    import xl_statsbidrag.excel as module

    vba = io.StringIO()
    udfs.generate_vba_wrapper("xl_statsbidrag.excel", module, vba, types.SimpleNamespace(Name="underlag.xlsm"))
    caller = _Any()  # Application.Caller, a cell
    # as VBA passes them: numbers as floats, a constant array or range as a tuple of row tuples
    args = tuple(tuple(tuple(r) for r in a) if isinstance(a, list) else a for a in args)
    platform, sys.platform = sys.platform, "win32"  # the function sees Windows, where classic xlwings calls it
    try:
        result = com_server.XLPython().CallUDF("xl_statsbidrag.excel", function, args, None, caller)
    finally:
        sys.platform = platform
    return {"vba": vba.getvalue(), "result": _json(result)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2])), ensure_ascii=False))
