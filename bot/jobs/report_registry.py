"""The builders of the reports `/report` offers, each built at send time into one XLSX file.

A report is asked for through the outbox (kind "report", args {"report": key,
"organisation_id": id}) and built by the "report" rich builder, which looks the key up here.
Builders re-check access for the recipient at send time: a role may have ended since.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.jobs.parts import Part
from bot.jobs.render import RenderContext


@dataclass(frozen=True)
class ReportRequest:
    key: str
    organisation_id: int  # a school (curator) or a municipality (coordinator)
    user_id: int  # who asked and receives it


# key -> builder, filled at start (`bot.jobs.register_builders`); the keys a person may
# ask for, and the menu's order, are bot/services/report_kinds.py's REPORT_KEYS.
ReportBuilder = Callable[[RenderContext, ReportRequest, str], Awaitable[Part]]
REPORTS: dict[str, ReportBuilder] = {}


def register_report(key: str, builder: ReportBuilder) -> None:
    REPORTS[key] = builder
