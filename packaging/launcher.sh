#!/bin/sh
# Start EAS Coder from wherever this folder was unpacked (a double-click, a .desktop entry
# or a terminal). The libraries libVLC's plugins link are in app/_internal: the dynamic
# linker looks there first only when told so before the program starts.
HERE=$(dirname "$(readlink -f "$0")")
LD_LIBRARY_PATH="$HERE/app/_internal${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
exec "$HERE/app/eas-coder" "$@"
