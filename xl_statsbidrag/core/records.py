"""The ``repr`` and ``==`` of a dataclass, defined once for many classes.

``@dataclass`` compiles an ``__init__``, a ``__repr__`` and an ``__eq__`` for each class when its module is
imported (~0.1 ms a method, more with many fields: the agreement's sixty cost ~1 ms), and ``report`` imports
some twenty such classes before it reads a cell (issue 28: its start).  A class declared
``@dataclass(repr=False, eq=False)`` that derives from ``Record`` has the very repr and == the dataclass
would have made, from these two definitions: ``Name(field=value, ...)`` of the fields with ``repr=True``
(``...`` for an object inside itself); equal to an object of the same class whose fields with
``compare=True`` are equal, compared as tuples; unhashable, as a dataclass with == that is not frozen.
Their cost is paid when they are called, which for these classes is seldom (tests, messages).
"""
from __future__ import annotations

import reprlib
from dataclasses import fields


class Record:
    __slots__ = ()

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
