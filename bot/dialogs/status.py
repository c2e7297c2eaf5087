"""The lines that say where a mentor or a mentee is now and the one next step: the same
lines in the `/start` greeting, the main menu and «🤝 Моя пара» (from `StatusService`)."""

from __future__ import annotations

from typing import Any

from aiogram_i18n import I18nContext

from bot.services import status as st
from bot.services.status import Standing, Step

# A pair's state → the «next» phrase of its line.
NEXT = {
    st.PROPOSED: "pairs-next-proposed",
    st.AGREEMENT: "pairs-next-agreement",
    st.FIRST_MEETING: "pairs-next-meeting",
    st.NEXT_MEETING: "pairs-next-next-meeting",
    st.MEETING: "pairs-next-meeting-on",
    st.ENDED: "pairs-next-ended",
    st.FINISHED: "pairs-next-finished",
    st.COMPLETING: "pairs-next-completing",
}


def when(step: Step) -> str:
    """The next meeting's date and time, in the school's zone."""
    return step.meeting_at.strftime("%d.%m %H:%M") if step.meeting_at else ""


def next_text(i18n: I18nContext, step: Step, young: str) -> Any:
    return i18n.get(NEXT[step.state], young=young, when=when(step))


def step_line(i18n: I18nContext, step: Step, young: str) -> Any:
    if step.pair_id is not None:
        return i18n.get(
            f"pairs-menu-line-{step.role or 'mentee'}",
            young=young,
            status=i18n.get(f"pairs-status-{step.pair_status}"),
            partner=step.partner,
            next=next_text(i18n, step, young),
        )
    return i18n.get(
        f"status-{step.state}",
        young=young,
        role=step.role or "mentee",
        programme=step.programme_name,
        partner=step.partner,
        count=step.count,
    )


def status_lines(i18n: I18nContext, standing: Standing, young: str) -> list[Any]:
    return [step_line(i18n, step, young) for step in standing.steps]


def step_of_pair(standing: Standing, pair_id: int) -> Step | None:
    return next((s for s in standing.steps if s.pair_id == pair_id), None)
