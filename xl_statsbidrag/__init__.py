"""xl-statsbidrag: targeted state grants (riktade statsbidrag) for Swedish regions, in Excel.

The folders are the layers (``core``, ``read``, ``check``, ``forms``, then the adapters ``files``, ``xlsx``,
``ledger``, the use cases ``app``, and ``cli`` and ``excel`` on top); ARCHITECTURE.md has the module map.
"""
__version__ = "0.1.0"
