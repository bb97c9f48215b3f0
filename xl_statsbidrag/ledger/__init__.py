"""Ledger exports (huvudbok) with pandas: the formats and their readers (``formats``, one contract for
every reader: ``frame``), reading (``read``: ``read_ledger`` for analysts), and matching the transactions
to the activities (``match``: utfall, the reconciliation per objekt).  Nothing outside ``ledger`` and
``app.utfall`` imports pandas."""
