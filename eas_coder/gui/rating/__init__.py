"""The rating panel: score controls, one row per dimension, the anchor box. May use ``common``
and the core; it shows and edits scores, and the coding room decides when they are saved."""
