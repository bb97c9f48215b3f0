"""The ``__init__``, ``repr`` and ``==`` of a dataclass, defined once for many classes.

``@dataclass`` compiles an ``__init__``, a ``__repr__`` and an ``__eq__`` for each class when its module is
imported (~0.1 ms a method, more with many fields: the agreement's sixty cost ~2 ms), and ``report`` imports
some forty such classes before it reads a cell (issue 28: its start).  A class declared
``@dataclass(repr=False, eq=False)`` that derives from ``Record`` has the very repr and == the dataclass
would have made, from these definitions: ``Name(field=value, ...)`` of the fields with ``repr=True``
(``...`` for an object inside itself); equal to an object of the same class whose fields with
``compare=True`` are equal, compared as tuples; unhashable, as a dataclass with == that is not frozen.
Declared ``init=False`` as well, it takes ``Record``'s ``__init__``: the fields in order, by position or by
name, each default or default factory, then ``__post_init__``; for a class made a few times a run (the
agreement, the report), whose ``__init__`` would cost more to compile than it ever takes to run.  A class
made thousands of times (an activity, a cell) keeps the compiled ``__init__`` (``init=True``).
Their cost is paid when they are called, which for these classes is seldom (tests, messages).
"""
from __future__ import annotations

import reprlib
from dataclasses import MISSING, fields


class Record:
    __slots__ = ()

    def __init__(self, *args: object, **kwargs: object) -> None:
        """A dataclass's ``__init__`` (for a class declared ``init=False``; see the module)."""
        given = [f for f in fields(self) if f.init]
        name = f"{type(self).__qualname__}.__init__()"
        if len(args) > len(given):
            raise TypeError(f"{name} takes {len(given) + 1} positional arguments but {len(args) + 1} were given")
        values = {f.name: value for f, value in zip(given, args)}
        for key, value in kwargs.items():
            if key in values:
                raise TypeError(f"{name} got multiple values for argument '{key}'")
            if not any(f.name == key for f in given):
                raise TypeError(f"{name} got an unexpected keyword argument '{key}'")
            values[key] = value
        for f in fields(self):
            if f.init and f.name in values:
                value = values[f.name]
            elif f.default is not MISSING:
                value = f.default
            elif f.default_factory is not MISSING:
                value = f.default_factory()
            elif f.init:
                raise TypeError(f"{name} missing 1 required positional argument: '{f.name}'")
            else:
                continue
            object.__setattr__(self, f.name, value)
        if hasattr(self, "__post_init__"):
            self.__post_init__()

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        names = [f.name for f in fields(self) if f.compare]
        return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)

    __hash__ = None  # type: ignore[assignment]


class FrozenRecord(Record):
    """``Record`` for a class declared ``@dataclass(frozen=True, repr=False, eq=False)``: hashed as the frozen
    dataclass would be, by the fields that take part in == (or those with ``hash=True``), as a tuple."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f.name) for f in fields(self) if (f.compare if f.hash is None else f.hash)))
