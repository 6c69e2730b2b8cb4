"""What every room of the window shares: loading Designer forms, background workers, thin item
models. May use only the core and Qt; nothing here knows a window, a dialog or another room."""
