"""Matching an amended appendix to the master's plan by content (domain.plan_amend)."""

from __future__ import annotations

import datetime as dt

from parc_xl.domain import deadlines
from parc_xl.domain.models import Area, Plan, Task
from parc_xl.domain.plan_amend import (
    AmendmentRecord, deadline_in_force, diff_plans, fresh_key, norm, old_form, tracking_plan,
)

AREAS = [Area(code="1", title="Chỉ đạo, điều hành", index=1), Area(code="2", title="Thủ tục hành chính", index=2)]


def plan(*rows: tuple[str, str, str, str, str]) -> Plan:
    """(key, stt, task, lead unit, deadline text)"""
    return Plan(year=2026, areas=AREAS, tasks=[
        Task(key=k, stt=s, area=s.split(".")[0] if s else "1", task=t, lead=u, lead_units=[u] if u else [],
             deadline_text=d, deadline=deadlines.parse(d, 2026)) for k, s, t, u, d in rows])


OLD = plan(
    ("1.1", "1.1", "Ban hành Kế hoạch cải cách hành chính năm 2026", "PNV", "Quý I/2026"),
    ("1.2", "1.2", "Kiện toàn Ban Chỉ đạo cải cách hành chính", "PNV", "Khi có phát sinh"),
    ("1.3", "1.3", "Tuyên truyền cải cách hành chính", "PVH", "Thường xuyên"),
    ("2.1", "2.1", "Rà soát, đơn giản hóa thủ tục hành chính nội bộ", "PTP", "Quý II/2026"),
    ("2.1#1", "", "Rà soát, đơn giản hóa thủ tục hành chính nội bộ", "VP", "Quý II/2026"),
)


def test_normal_form_folds_tones_spaces_case_and_item_numbers() -> None:
    assert norm("1.  Rà soát,  đơn giản HOÁ\u00a0thủ tục") == norm("Rà soát, đơn giản hóa thủ tục")
    assert norm("Rà soát") != norm("Rà soát thêm")


def test_renumbered_dropped_added_and_moved_tasks() -> None:
    new = plan(
        ("1.1", "1.1", "Ban hành Kế hoạch cải cách hành chính năm 2026", "PNV", "Quý II/2026"),
        ("1.2", "1.2", "Tuyên truyền cải cách hành chính", "PVH", "Thường xuyên"),
        ("1.3", "1.3", "Khảo sát sự hài lòng của người dân", "PNV", "Quý III/2026"),
        ("2.1", "2.1", "Rà soát, đơn giản hoá thủ tục hành chính nội bộ", "PTP", "Quý II/2026"),
        ("2.1#1", "", "Rà soát, đơn giản hoá thủ tục hành chính nội bộ", "VP", "Quý II/2026"),
    )
    d = diff_plans(OLD, new)
    assert [t.key for t in d.removed] == ["1.2"]
    # a new task printed "1.3" cannot take the key 1.3 (it belongs to the renumbered task)
    assert [(t.key, t.stt) for t in d.added] == [("1.3-BS1", "1.3")]
    assert [(r.key, r.old_stt, r.new_stt) for r in d.renumbered] == [("1.3", "1.3", "1.2")]
    assert [(c.key, c.fields) for c in d.changed] == [("1.1", ["deadline"])]
    assert [t.key for t in d.plan.tasks] == ["1.1", "1.3", "1.3-BS1", "2.1", "2.1#1"]
    assert d.applicable


def test_equal_texts_are_told_apart_by_their_lead() -> None:
    new = plan(*[(t.key, t.stt, t.task, t.lead, t.deadline_text) for t in reversed(OLD.tasks)])
    d = diff_plans(OLD, new)
    assert not d.added and not d.removed and not d.changed
    assert {t.key: t.lead for t in d.plan.tasks} == {t.key: t.lead for t in OLD.tasks}


def test_a_small_edit_matches_a_rewrite_is_uncertain_an_unrelated_task_is_new() -> None:
    new = plan(
        ("1.1", "1.1", "Ban hành Kế hoạch cải cách hành chính của huyện năm 2026", "PNV", "Quý I/2026"),
        ("1.2", "1.2", "Kiện toàn tổ chức Ban Chỉ đạo và Tổ giúp việc cải cách hành chính huyện", "PNV", "Khi có phát sinh"),
        ("1.3", "1.3", "Tuyên truyền cải cách hành chính", "PVH", "Thường xuyên"),
        ("2.1", "2.1", "Số hóa hồ sơ lưu trữ", "PTP", "Quý II/2026"),
        ("2.1#1", "", "Rà soát, đơn giản hóa thủ tục hành chính nội bộ", "VP", "Quý II/2026"),
    )
    d = diff_plans(OLD, new)
    assert [(c.key, c.fields) for c in d.changed] == [("1.1", ["text"])]
    assert [(u.key, u.new_stt) for u in d.uncertain] == [("1.2", "1.2")]
    assert not d.applicable
    assert [t.key for t in d.removed] == ["2.1"] and [t.key for t in d.added] == ["2.1-BS1"]
    confirmed = diff_plans(OLD, new, accept={"1.2": "1.2"})
    assert confirmed.applicable and "1.2" in confirmed.matched
    apart = diff_plans(OLD, new, separate={"1.2"})
    assert apart.applicable and "1.2" in [t.key for t in apart.removed]


def test_two_new_tasks_matching_one_are_ambiguous() -> None:
    new = plan(*[(t.key, t.stt, t.task, t.lead, t.deadline_text) for t in OLD.tasks],
               ("2.2", "2.2", "Tuyên truyền cải cách hành chính", "PVH", "Thường xuyên"))
    new.tasks[2].stt = new.tasks[2].key = "1.3"
    d = diff_plans(OLD, new)
    assert [a.key for a in d.ambiguous] == ["1.3"] and not d.applicable
    assert "1.3" not in [t.key for t in d.removed] and not d.added


def test_keys_of_retired_tasks_are_never_reused() -> None:
    assert fresh_key("1.2", {"1.1"}) == "1.2"
    assert fresh_key("1.2", {"1.2", "1.2-BS1"}) == "1.2-BS2"


def test_tracking_plan_keeps_retires_adds_and_reactivates() -> None:
    new = plan(("1.1", "1.1", "Ban hành Kế hoạch cải cách hành chính năm 2026", "PTP", "Quý I/2026"),
               ("1.3", "1.2", "Tuyên truyền cải cách hành chính", "PVH", "Thường xuyên"),
               ("2.1", "2.1", "Rà soát, đơn giản hóa thủ tục hành chính nội bộ", "PTP", "Quý II/2026"),
               ("2.1#1", "", "Rà soát, đơn giản hóa thủ tục hành chính nội bộ", "VP", "Quý II/2026"))
    d = diff_plans(OLD, new)
    rows = [(2, "1.1", "PNV"), (3, "1.2", "PNV"), (4, "1.3", "PVH"), (5, "2.1", "PTP"), (6, "2.1#1", "VP"),
            (7, "1.1", "PTP"), (8, "ghi chú", "")]
    tp = tracking_plan(rows, {("1.1", "PTP")}, d, {t.key: t.lead_units for t in d.plan.tasks})
    assert (tp.keep, tp.retire, tp.reactivate, tp.add) == ([4, 5, 6], [2, 3], [7], [])


def _record(**kw: object) -> AmendmentRecord:
    base = dict(ref="QĐ 1", file="a.txt", applied_at=dt.datetime(2026, 7, 1, 9), effective=dt.date(2026, 7, 1),
                period="2026-Q3", old_fingerprint="old", new_fingerprint="new")
    return AmendmentRecord.model_validate({**base, **kw})


def test_a_task_done_before_the_amendment_is_judged_by_the_deadline_then() -> None:
    a = _record(old_deadlines={"2.1": "Quý II/2026"})
    assert deadline_in_force("2.1", dt.date(2026, 6, 20), [a]) == "Quý II/2026"
    assert deadline_in_force("2.1", dt.date(2026, 7, 2), [a]) is None  # done after: the new deadline
    assert deadline_in_force("2.1", None, [a]) is None
    assert deadline_in_force("1.1", dt.date(2026, 6, 20), [a]) is None


def test_old_forms_are_known_by_fingerprint_and_period() -> None:
    first = _record(dropped=["1.2"], changed=["1.1"])
    second = _record(applied_at=dt.datetime(2026, 10, 1), effective=dt.date(2026, 10, 1), period="2026-Y",
                     old_fingerprint="new", new_fingerprint="newer", dropped=["1.3"])
    form = old_form("old", "2026-H1", [second, first])
    assert form is not None and form.allowed
    assert form.dropped == {"1.2", "1.3"} and form.changed == {"1.1"} and form.refs == "QĐ 1; QĐ 1"
    assert old_form("old", "2026-Y", [first]).allowed is False  # type: ignore[union-attr]
    assert old_form("current", "2026-H1", [first]) is None
