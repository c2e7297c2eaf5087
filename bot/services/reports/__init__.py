"""What `/report` files hold: the school's (or the municipality's) base of mentors, base of
mentees, the meetings log and the questionnaire results, read with grouped queries (the
number of statements does not grow with people, pairs or meetings) into plain dataclasses.

Who may ask: a school's curator (their school), a coordinator (their municipality, or one
of its schools) and a bot admin (any). Everything here is for staff: the curator's mentee
categories, ratings and comments are in it. Two limits hold even for staff: a withdrawn
person is anonymised (no name, no contact, no comment), and a recipient who also mentors a
pair does not read, by name, what that pair's mentees said about them (ratings, comments).

Services layer: no aiogram. Labels (forms, categories) are translated by the caller.

- `scope.py`: who may ask, about which schools;
- `model.py`: programmes, people and pairs as read;
- `people.py`: the bases of mentors and mentees;
- `waves.py`: questionnaire waves, entry → exit change and satisfaction per person;
- `surveys.py`: the questionnaire results per programme;
- `meetings.py`: the meetings log;
- `service.py`: `ReportService` (`/report`).
"""

from bot.services.reports.meetings import AttendanceRow, MeetingRow, load_meetings
from bot.services.reports.model import PairInfo, People, Person, ProgrammeInfo, mean_rating
from bot.services.reports.people import load_people, load_programmes
from bot.services.reports.scope import (
    School,
    Scope,
    Target,
    may_report_on,
    report_scope,
    report_targets,
)
from bot.services.reports.service import REPORT_KIND, REPORT_TTL, ReportService
from bot.services.reports.surveys import ProgrammeSurvey, load_surveys
from bot.services.reports.waves import survey_growth

__all__ = [
    "REPORT_KIND",
    "REPORT_TTL",
    "AttendanceRow",
    "MeetingRow",
    "PairInfo",
    "People",
    "Person",
    "ProgrammeInfo",
    "ProgrammeSurvey",
    "ReportService",
    "School",
    "Scope",
    "Target",
    "load_meetings",
    "load_people",
    "load_programmes",
    "load_surveys",
    "may_report_on",
    "mean_rating",
    "report_scope",
    "report_targets",
    "survey_growth",
]
