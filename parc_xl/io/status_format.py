"""Status colours: conditional formatting keyed on the `Theo dõi` status column.

One formula rule per status, each over the whole data block, so a status typed or
pasted by a clerk recolours its row live, and 200,000 rows cost seven rules, not
200,000 fills (PRODUCT.md "Status and colours").

Palette: Excel's own cell styles Good (C6EFCE on 006100), Neutral (FFEB9C on 9C5700)
and Bad (FFC7CE on 9C0006) for done on time / due soon / overdue; calm distinct
colours for the rest.
"""

from __future__ import annotations

from typing import NamedTuple

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from parc_xl.domain.models import Status


class StatusStyle(NamedTuple):
    fill: str  # RGB hex, no "#"
    font: str
    meaning: str  # Vietnamese, for the legend on `Hướng dẫn`


STATUS_STYLES: dict[Status, StatusStyle] = {
    # Excel "Good"
    Status.DONE_ON_TIME: StatusStyle("C6EFCE", "006100", "Đã hoàn thành, không muộn hơn hạn."),
    # calm lavender: done, but after the due date
    Status.DONE_LATE: StatusStyle("E4DFEC", "5B3F86", "Đã hoàn thành nhưng sau hạn."),
    # calm blue
    Status.IN_PROGRESS_ON_TIME: StatusStyle("D6E4F0", "1F4E79", "Chưa hoàn thành, còn trong hạn."),
    # Excel "Bad"
    Status.OVERDUE: StatusStyle("FFC7CE", "9C0006", "Đã quá hạn mà chưa hoàn thành (kể cả khi đơn vị chưa báo cáo)."),
    # Excel "Neutral"
    Status.DUE_SOON: StatusStyle(
        "FFEB9C", "9C5700",
        "Chưa hoàn thành, đến hạn trong số ngày làm việc đã chọn (mặc định 10); "
        "vẫn tính là «Đang thực hiện trong hạn» khi tổng hợp chính thức.",
    ),
    # calm grey
    Status.NO_FIXED_DEADLINE: StatusStyle("EDEDED", "3A3A3A", "Nhiệm vụ khi phát sinh, thường xuyên hoặc không ghi hạn cụ thể."),
    # calm sand
    Status.NOT_REPORTED: StatusStyle("E8E2D0", "5C4A1E", "Đơn vị chưa gửi báo cáo cho nhiệm vụ này (chưa đến hạn)."),
}


def add_status_formatting(
    ws: Worksheet, status_col_letter: str, first_row: int, last_col_letter: str, max_row: int
) -> None:
    """Colour whole rows A{first_row}:{last_col}{max_row} by the text in the status column."""
    rng = f"A{first_row}:{last_col_letter}{max_row}"
    anchor = f"${status_col_letter}{first_row}"
    for status, style in STATUS_STYLES.items():
        ws.conditional_formatting.add(
            rng,
            FormulaRule(
                formula=[f'{anchor}="{status.value}"'],
                fill=PatternFill(fill_type="solid", start_color=style.fill, end_color=style.fill, bgColor=style.fill),
                font=Font(color=style.font),
                stopIfTrue=True,
            ),
        )


def status_legend_rows() -> list[tuple[str, str, str, str]]:
    """(status name, meaning, fill hex, font hex) for the legend on `Hướng dẫn`."""
    return [(s.value, st.meaning, st.fill, st.font) for s, st in STATUS_STYLES.items()]
