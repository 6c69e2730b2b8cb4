"""How fast Tools ▸ Audit Log… opens on a long log (issue 23: "100k entries must open fast").

A SQLite study gets ``--entries`` audit entries (ratings by two coders over many videos, as
a busy study writes them), then the real dialog is opened offscreen, as the lab manager and
as a coder (who reads it blind), and timed from the click to the first page on screen; then
a filter by video, and scrolling to the end of the first page (one more page read). The
CSV export of everything is timed too (in this thread; the dialog runs it in a worker).

Usage: QT_QPA_PLATFORM=offscreen python -m benchmarks.audit_log [--entries 100000] [--no-fail]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from benchmarks.report import print_table, write_json
from eas_coder.exchange.audit_csv import write_audit_csv
from eas_coder.gui.manager.audit_log_dialog import AuditLogDialog
from eas_coder.gui.window.app import application
from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.audit_read import AuditQuery
from eas_coder.store.database import make_engine
from eas_coder.store.study import Study
from eas_coder.store.tables import AuditRow
from eas_coder.viewer import Viewer

RESULTS = Path(__file__).resolve().parent / "results" / "audit_log.json"
BUDGET_OPEN_MS = 500.0  # the dialog with its first page: no wait a person notices
BUDGET_FILTER_MS = 500.0


def _fill(study: Study, entries: int) -> tuple[int, int]:
    """``entries`` rating entries over 500 videos by two coders; returns (video, coder)."""
    videos = [study.videos.add(f"D{n:03d}", "T1 pre", None) for n in range(500)]
    ana, ben = study.coders.add("Ana"), study.coders.add("Ben")
    for video in videos:
        study.assignments.add(video.id, ana.id)
        study.assignments.add(video.id, ben.id)
    rows = []
    for n in range(entries):
        coder = ana if n % 2 else ben
        state = {"video_id": videos[n % 500].id, "coder_id": coder.id, "dimension": "sensitivity",
                 "score": 1 + (n % 13) / 2, "note": f"note {n}", "segment_id": None}  # fmt: skip
        rows.append({"actor": f"{coder.name} (login lab)", "action": "rating.set",
                     "entity": "rating", "entity_id": n + 1, "old": None,
                     "new": json.dumps(state, sort_keys=True)})  # fmt: skip
    engine = make_engine(study.location)
    with engine.begin() as conn:
        conn.execute(insert(AuditRow), rows)
    engine.dispose()
    return videos[250].id, ana.id


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--no-fail", action="store_true")
    args = parser.parse_args(argv)
    app = application()
    with tempfile.TemporaryDirectory() as folder:
        location = from_string(Path(folder) / "audit.sqlite")
        with Study.create(location, load_scheme(), "Audit bench", actor="bench") as study:
            video_id, coder_id = _fill(study, args.entries)
            figures: dict[str, float] = {}
            for who, viewer in (
                ("manager", Viewer.everyone()),
                ("coder", Viewer(study.coders.get(coder_id))),
            ):
                start = time.perf_counter()
                dialog = AuditLogDialog(study, viewer)
                dialog.show()
                app.processEvents()
                figures[f"open as {who} (ms)"] = _ms(start)
                assert dialog.model.total >= args.entries
                start = time.perf_counter()
                dialog.videoBox.setCurrentIndex(dialog.videoBox.findData(video_id))
                app.processEvents()
                figures[f"filter by video as {who} (ms)"] = _ms(start)
                dialog.videoBox.setCurrentIndex(0)
                start = time.perf_counter()
                dialog.auditTable.scrollToBottom()
                app.processEvents()
                figures[f"next page as {who} (ms)"] = _ms(start)
                dialog.reject()
                dialog.deleteLater()
                app.processEvents()
            start = time.perf_counter()
            written = write_audit_csv(
                location, Viewer.everyone(), AuditQuery(), Path(folder) / "log.csv"
            )
            figures["CSV export, all entries (s)"] = _ms(start) / 1000
    rows = [
        (name, f"{value:.1f}", f"< {BUDGET_OPEN_MS:g} ms" if name.startswith("open") else
         (f"< {BUDGET_FILTER_MS:g} ms" if "(ms)" in name else "-"))
        for name, value in figures.items()
    ]  # fmt: skip
    within = all(
        value < (BUDGET_OPEN_MS if name.startswith("open") else BUDGET_FILTER_MS)
        for name, value in figures.items()
        if "(ms)" in name
    )
    print(f"audit log with {args.entries:,} entries (CSV: {written:,} rows)")
    print_table(rows)
    write_json(RESULTS, {"entries": args.entries, **figures, "within_budget": within})
    return 0 if within or args.no_fail else 1


if __name__ == "__main__":
    sys.exit(main())
