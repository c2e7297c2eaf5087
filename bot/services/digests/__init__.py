"""The curator's weekly digest: what needs attention in a school, how each programme goes,
the weeks' activity and a row per pair — computed for many schools at once.

Every figure comes from grouped queries over the whole set of schools (GROUP BY school,
programme or pair): the number of SQL statements is the same for one school with three pairs
and for fifty schools with thousands. The result is plain dataclasses (picklable: the chart
and the workbook are drawn from them in another process).

Names are personal data: a digest goes to the school's curators only. A mentee's ratings are
for the curators as well (never the mentor), so they appear here and nowhere else.
Withdrawn people are anonymised: they count in the figures, never by name.

- `model.py`: the dataclasses, constants, `for_recipient` and the digest week's calendar;
- `service.py`: `DigestService` (who may ask, schedules, queueing);
- `computation.py`: the grouped statements, one method per section;
- `assembly.py`: the sections put together per school.
"""

from bot.services.digests.model import (
    ABOUT_THE_MENTOR,
    ATTENTION,
    CHART_WEEKS,
    DIGEST_HOURS,
    FALL_BY,
    KIND,
    LOW_RATING,
    NAMES_SHOWN,
    NO_NAME,
    OPEN_PAIR,
    PROGRAMME_KEPT_AFTER_END,
    SURVEY_MISSING_SHOWN,
    SURVEY_WARN_BEFORE,
    UNCONFIRMED_AFTER,
    Attention,
    DigestSchedule,
    DueSchool,
    PairRow,
    ProgrammeDigest,
    SchoolDigest,
    WaveProgress,
    WeekActivity,
    due_moment,
    end_of_week,
    for_recipient,
    iso_week,
    monday_of,
    subject_of,
)
from bot.services.digests.service import DigestService

__all__ = [
    "ABOUT_THE_MENTOR",
    "ATTENTION",
    "CHART_WEEKS",
    "DIGEST_HOURS",
    "FALL_BY",
    "KIND",
    "LOW_RATING",
    "NAMES_SHOWN",
    "NO_NAME",
    "OPEN_PAIR",
    "PROGRAMME_KEPT_AFTER_END",
    "SURVEY_MISSING_SHOWN",
    "SURVEY_WARN_BEFORE",
    "UNCONFIRMED_AFTER",
    "Attention",
    "DigestSchedule",
    "DigestService",
    "DueSchool",
    "PairRow",
    "ProgrammeDigest",
    "SchoolDigest",
    "WaveProgress",
    "WeekActivity",
    "due_moment",
    "end_of_week",
    "for_recipient",
    "iso_week",
    "monday_of",
    "subject_of",
]
