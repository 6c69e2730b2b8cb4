"""The zoomable timeline: ruler, thumbnail and waveform layers, segment drawing and editing.
May use ``common`` and the core; it knows nothing of the player, coding or the window.
Inside, imports go one way: ruler, geometry, tracks <- thumbnails, waveform <- layers, edit,
view <- timeline (the widget, which composes them)."""
