"""libVLC playback decoding into memory (``video_set_callbacks``), drawn by our own widget.

VLC calls lock/unlock/display from its own threads: lock hands it our buffer, display copies
the picture into a QImage and emits it (Qt queues the signal to the GUI thread).

VLC gives a picture no timestamp, and ``get_time()`` is coarse (it stays at 0 for ~0.3 s
after a start, then moves in 250-ms jumps). So we count displayed pictures from the frame
playback started at, with late-frame dropping turned off so that every frame is displayed.
"""

from __future__ import annotations

import ctypes
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QImage

from eas_coder.gui.player.audio_status import AudioStatus
from eas_coder.gui.player.backend import MAX_RATE, MIN_RATE, PlaybackBackend

if TYPE_CHECKING:
    from eas_coder.media.frame_index import FrameIndex

# Options for every instance: quiet, no windows of VLC's own, no subtitle files picked up.
_VLC_ARGS = ["--quiet", "--no-xlib", "--no-video-title-show", "--no-sub-autodetect-file"]
# Every decoded frame is displayed, so counting displayed frames gives the frame index.
_COUNTING_ARGS = ["--no-drop-late-frames", "--no-skip-frames"]


def _instance_args() -> tuple[str, ...]:
    args = [*_VLC_ARGS, *_COUNTING_ARGS]
    if os.environ.get("EAS_CODER_AUDIO") == "off":
        args.append("--aout=dummy")
    return tuple(args)


class _SharedVlc:
    """The process's one libVLC instance, made in a background thread.

    Making the first instance loads libVLC's plugins (0.3 s on a busy machine, mostly
    waiting on files); later instances and media players are cheap while one lives. So the
    app starts it before it builds the window (``start_loading_vlc``) and every backend,
    one per camera angle, plays through it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._args: tuple[str, ...] = ()
        self._module: Any | None = None
        self._instance: Any | None = None

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._args = _instance_args()
                self._thread = threading.Thread(target=self._load, name="libvlc", daemon=True)
                self._thread.start()

    def _load(self) -> None:
        try:
            import vlc
        except (ImportError, OSError):
            return
        try:
            instance = vlc.Instance(list(self._args))
        except (NameError, OSError, AttributeError):
            return
        if instance is not None:
            self._module, self._instance = vlc, instance

    def loaded(self) -> tuple[Any | None, Any | None]:
        """The python-vlc module and the instance (waits for them); (None, None) when
        libVLC is not installed or does not start here."""
        self.start()
        assert self._thread is not None
        self._thread.join()
        return self._module, self._instance

    def instance(self, args: tuple[str, ...]) -> Any | None:
        """An instance with ``args``: the shared one (with a reference of the caller's own,
        given back by ``release``) when they match, else a new one."""
        module, instance = self.loaded()
        if module is None or instance is None:
            return None
        if args != self._args:
            return module.Instance(list(args))
        instance.retain()
        return instance


_SHARED = _SharedVlc()


def start_loading_vlc() -> None:
    """Begin loading libVLC in the background (the window is built meanwhile)."""
    _SHARED.start()


def load_vlc() -> Any | None:
    """The python-vlc module when libVLC itself loads here, else None."""
    module, instance = _SHARED.loaded()
    return module if instance is not None else None


class VlcBackend(PlaybackBackend):
    """Plays with libVLC 3; frames arrive as RGB32 QImages."""

    name = "vlc"

    def __init__(self, vlc_module: Any) -> None:
        super().__init__()
        self._vlc = vlc_module
        instance = _SHARED.instance(_instance_args())
        if instance is None:
            raise RuntimeError("libVLC does not start here (choose.create_backend checks)")
        self._instance = instance
        self._player = self._instance.media_player_new()
        self.audio_status = AudioStatus(self)  # no sound device: said once in the window
        self._released = False
        self._path: Path | None = None
        self._index: FrameIndex | None = None
        self._size = (0, 0)
        self._buffer: ctypes.Array[ctypes.c_char] | None = None
        self._playing = False
        self._pending_ms: float = 0.0
        self._rate = 1.0
        self._times: tuple[float, ...] = ()
        self._start_frame = 0
        self._shown = 0  # pictures displayed since playback started at _start_frame
        # libVLC's stop joins the input and decoder threads (~280 ms after an MPEG-TS
        # played): it runs on a thread of its own, and play() waits for it.
        self._stopping: threading.Thread | None = None
        self._format: tuple[int, int] | None = None  # the picture size VLC was told
        self._has_media = False  # an input was started since the last stop
        # Keep references: ctypes callbacks must outlive the player using them.
        decorators = vlc_module.CallbackDecorators
        self._lock_cb = decorators.VideoLockCb(self._on_lock)
        self._unlock_cb = decorators.VideoUnlockCb(self._on_unlock)
        self._display_cb = decorators.VideoDisplayCb(self._on_display)
        self._player.video_set_callbacks(self._lock_cb, self._unlock_cb, self._display_cb, None)
        events = self._player.event_manager()
        events.event_attach(vlc_module.EventType.MediaPlayerEndReached, self._on_vlc_end)
        events.event_attach(vlc_module.EventType.MediaPlayerEncounteredError, self._on_vlc_error)

    # -- callbacks (VLC threads) ---------------------------------------------------------

    def _on_lock(self, _opaque: object, planes: Any) -> None:
        if self._buffer is not None:
            planes[0] = ctypes.cast(self._buffer, ctypes.c_void_p)

    def _on_unlock(self, _opaque: object, _picture: object, _planes: object) -> None:
        return None

    def _on_display(self, _opaque: object, _picture: object) -> None:
        # VLC keeps redisplaying while paused; only playback frames matter to us.
        if not self._playing or self._buffer is None:
            return
        width, height = self._size
        image = QImage(self._buffer.raw, width, height, width * 4, QImage.Format.Format_RGB32)
        times = self._times
        frame = min(self._start_frame + self._shown, len(times) - 1)
        self._shown += 1
        self.frameDelivered.emit(image.copy(), times[frame] if times else 0.0)

    def _on_vlc_end(self, _event: object) -> None:
        self._playing = False
        self.reachedEnd.emit()

    def _on_vlc_error(self, _event: object) -> None:
        self._playing = False
        self.failed.emit("VLC could not play this file (unsupported codec or damaged file).")

    # -- control (GUI thread) ------------------------------------------------------------

    def open(self, path: Path, index: FrameIndex) -> None:
        # The picture buffer and format are set in play(): the last video's input may still
        # be stopping, and its pictures must not land in a buffer sized for this one.
        self.close()
        self._index = index
        self._times = index.times_ms
        self._path = path
        self._size = (index.width, index.height)
        self._pending_ms = 0.0

    def close(self) -> None:
        self._playing = False
        self._path = None
        if self._has_media:
            self.wait_stopped()  # one stop at a time (an earlier one is long done by now)
            self._has_media = False
            self._stopping = threading.Thread(target=self._stop, name="vlc-stop", daemon=True)
            self._stopping.start()

    def _stop(self) -> None:
        self._player.stop()
        self._player.set_media(None)

    def wait_stopped(self, timeout_s: float = 10.0) -> None:
        """Block until the last video's input has stopped (play, release, tests)."""
        if self._stopping is not None:
            self._stopping.join(timeout_s)
            self._stopping = None

    def play(self) -> None:
        if self._path is None:
            return
        self.wait_stopped()
        if self._format != self._size:
            width, height = self._size
            self._buffer = ctypes.create_string_buffer(width * height * 4)
            self._player.video_set_format("RV32", width, height, width * 4)
            self._format = self._size
        state = self._player.get_state()
        self._restart_count(self._pending_ms)
        self._playing = True
        self.audio_status.check_vlc(self._player)
        if state == self._vlc.State.Paused:
            self._player.set_time(round(self._pending_ms))
            self._player.set_pause(0)
            return
        # From stopped or ended: start a fresh input at the wanted time.
        media = self._instance.media_new_path(str(self._path))
        media.add_option(f":start-time={self._pending_ms / 1000.0:.3f}")
        self._player.set_media(media)
        self._has_media = True
        media.release()
        self._player.set_rate(self._rate)
        self._player.play()

    def _restart_count(self, ms: float) -> None:
        self._start_frame = self._index.index_at(ms) if self._index is not None else 0
        self._shown = 0

    def pause(self) -> None:
        self._playing = False
        if self._player.get_state() == self._vlc.State.Playing:
            self._player.set_pause(1)

    def seek(self, ms: float) -> None:
        self._pending_ms = max(0.0, ms)
        if self._playing:
            self._restart_count(self._pending_ms)
            self._player.set_time(round(self._pending_ms))

    def set_rate(self, rate: float) -> None:
        self._rate = min(MAX_RATE, max(MIN_RATE, rate))
        # Without an input (the last one may still be stopping: a call into the player
        # waits for that stop, up to ~170 ms after an MPEG stream), play() sets it.
        if self._has_media:
            self._player.set_rate(self._rate)  # VLC's scaletempo keeps the pitch

    def set_volume(self, percent: int) -> None:
        self._player.audio_set_volume(max(0, min(100, percent)))

    def set_muted(self, muted: bool) -> None:
        self._player.audio_set_mute(muted)

    def is_playing(self) -> bool:
        return self._playing

    def clone(self) -> VlcBackend:
        return VlcBackend(self._vlc)

    def release(self) -> None:
        """Free libVLC entirely (on window close); again is harmless (a second close of the
        window would otherwise call into a freed player and crash)."""
        if self._released:
            return
        self._released = True
        self.close()
        self.wait_stopped()
        self._player.release()
        self._instance.release()
