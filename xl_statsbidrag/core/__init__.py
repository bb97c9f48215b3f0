"""The core: the model, money, the allocation, A1 references, the year-end rule and the text rules.
Standard library only and no I/O, so that every other layer (and the xlwings Lite path) can use it."""
