"""A coder's session: the coding session and its undo commands, the controller that ties player,
timeline and rating panel together, the segment table and the Videos dock. May use ``player``,
``rating``, ``timeline``, ``common`` and the core, never the window or the manager's rooms.
Inside, the session owns its commands, which see it only as ``edit_target.EditTarget``:
edit_target <- undo_commands <- rating_edits <- session <- submit_flow, shown_work <- controller."""
