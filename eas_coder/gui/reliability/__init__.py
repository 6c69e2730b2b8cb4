"""Reliability view: the dialog, its tables and details, agreement plot, drift and consensus.
May use ``rating`` (score controls), ``common`` and the core."""
