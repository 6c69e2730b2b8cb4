"""Item drafts (migration 0011): the items typed of a derived dimension are kept while some
are missing, become the rating once all are there, go back to a draft when one is cleared,
refuse a stale edit, follow their segment, and never show up as scores."""

from __future__ import annotations

import pytest

from eas_coder.errors import Conflict, ScoreError, StaleEdit, StudyError
from eas_coder.location import Location
from eas_coder.scheme import parse_scheme
from eas_coder.store.study import Study
from tests.exchange.test_scheme_profiles_export import make_scheme


def _study(location: Location) -> tuple[Study, int, int]:
    study = Study.create(location, make_scheme(), "Drafts")
    video = study.videos.add("M01", "T1 pre", None, name="m01.mp4")
    ana = study.coders.add("Ana")
    return study, video.id, ana.id


def test_partial_items_wait_as_a_draft_and_become_the_rating(db_location: Location) -> None:
    study, video, ana = _study(db_location)
    with study:
        first = study.item_drafts.save(video, ana, "sensitivity", {"item_1": 2})
        assert first.rating is None and first.draft is not None
        assert first.versions == (0, 1)
        second = study.item_drafts.save(
            video, ana, "sensitivity", {"item_1": 2, "item_2": 5}, note="unsure",
            expected=first.versions,
        )  # fmt: skip
        assert second.versions == (0, 2)
        assert study.ratings.all() == []  # a partial sum is no score
        (draft,) = study.item_drafts.all(video_id=video, coder_id=ana)
        assert (draft.items, draft.note, draft.segment_id) == (
            {"item_1": 2.0, "item_2": 5.0}, "unsure", None,
        )  # fmt: skip
        assert draft.saved_at is not None

        full = {"item_1": 2.0, "item_2": 5.0, "item_3": 3.0}
        done = study.item_drafts.save(video, ana, "sensitivity", full, expected=second.versions)
        assert done.draft is None and done.rating is not None
        assert (done.rating.score, done.rating.items, done.rating.note) == (10.0, full, "unsure")
        assert study.item_drafts.all() == []

        # clearing one item of a rated dimension: the score goes, the other items stay
        back = study.item_drafts.save(
            video, ana, "sensitivity", {"item_1": 2.0, "item_3": 3.0}, expected=done.versions
        )
        assert study.ratings.all() == [] and back.draft is not None
        assert (back.draft.items, back.draft.note) == ({"item_1": 2.0, "item_3": 3.0}, "unsure")

        # an edit from a stale copy is refused, nothing saved
        with pytest.raises(StaleEdit, match="changed meanwhile"):
            study.item_drafts.save(video, ana, "sensitivity", full, expected=done.versions)
        assert study.ratings.all() == []
        # nothing typed and no note left: nothing kept
        gone = study.item_drafts.save(video, ana, "sensitivity", {}, note="")
        assert gone.versions == (0, 0) and study.item_drafts.all() == []
        actions = [e.action for e in study.audit_log() if e.entity == "item_draft"]
        assert actions.count("item_draft.set") == 3 and "item_draft.clear" in actions


def test_refusals_leave_nothing_half_written(tmp_path_factory: pytest.TempPathFactory) -> None:
    from eas_coder.location import from_string

    study, video, ana = _study(from_string(tmp_path_factory.mktemp("r") / "r.sqlite"))
    with study:
        with pytest.raises(StudyError, match="typed, not derived"):
            study.item_drafts.save(video, ana, "child_involvement", {})
        with pytest.raises(ScoreError, match="outside"):
            study.item_drafts.save(video, ana, "sensitivity", {"item_1": 9})
        study.item_drafts.save(video, ana, "sensitivity", {"item_1": 1})
        study.assignments.add(video, ana)
        study.ratings.set(video, ana, "child_involvement", 4)
        study.ratings.set(video, ana, "zone_adult", 2)
        # a submit needs every dimension: the unfinished one is missing, and says so
        study.item_drafts.save(video, ana, "sensitivity", {"item_1": 1, "item_2": 1, "item_3": 1})
        study.assignments.submit(video, ana)
        with pytest.raises(StudyError, match="submitted"):
            study.item_drafts.save(video, ana, "sensitivity", {"item_1": 2})
        assert [r.score for r in study.ratings.all() if r.dimension == "sensitivity"] == [3.0]
        assert study.item_drafts.all() == []


def test_drafts_follow_their_segment_and_import_adds_only(db_location: Location) -> None:
    study, video, ana = _study(db_location)
    with study:
        segment = study.segments.add(video, ana, 0, 5_000)
        study.item_drafts.save(video, ana, "sensitivity", {"item_2": 4}, segment_id=segment.id)
        study.item_drafts.save(video, ana, "sensitivity", {"item_3": 1})  # the whole session
        assert {d.segment_id for d in study.item_drafts.all()} == {segment.id, None}
        study.segments.delete(segment.id)
        assert [d.segment_id for d in study.item_drafts.all()] == [None]

        # import: the same draft again adds nothing, another one is refused
        assert study.item_drafts.add(video, ana, "sensitivity", {"item_3": 1.0}) is None
        with pytest.raises(Conflict, match="never changes"):
            study.item_drafts.add(video, ana, "sensitivity", {"item_3": 2.0})
        ben = study.coders.add("Ben")
        added = study.item_drafts.add(video, ben.id, "sensitivity", {"item_1": 3}, note="n")
        assert added is not None and added.items == {"item_1": 3.0}
        study.ratings.set(video, ana, "sensitivity", None, segment_id=None,
                          items={"item_1": 1, "item_2": 1, "item_3": 1})  # fmt: skip
        with pytest.raises(Conflict, match="already has its score"):
            study.item_drafts.add(video, ana, "sensitivity", {"item_1": 3})


def test_a_new_scheme_may_not_drop_an_item_only_a_draft_uses(db_location: Location) -> None:
    # Old code: the check for stored work a new scheme version leaves out looked at ratings
    # only, so dropping item_2 was accepted and the draft's typed item_2 lost its meaning.
    study, video, ana = _study(db_location)
    with study:
        study.item_drafts.save(video, ana, "sensitivity", {"item_1": 2, "item_2": 5})
        renamed = study.scheme.source_text.replace('key = "item_2"', 'key = "item_9"')
        with pytest.raises(StudyError, match="item 'item_2' of 'sensitivity'"):
            study.set_scheme(parse_scheme(renamed, source="edited"))
        assert study.scheme_revision == 1
        (draft,) = study.item_drafts.all()
        assert draft.items == {"item_1": 2.0, "item_2": 5.0}
