"""`SurveyService`: the questionnaires' service, one class composed of its concerns."""

from __future__ import annotations

from bot.services.surveys.answering import Answering
from bot.services.surveys.results import Results
from bot.services.surveys.sweep import Sweep


class SurveyService(Sweep, Results, Answering):
    """The curator's programmes and waves (`Curating`), launching and reminding
    (`Launching`), the scheduler's steps (`Sweep`), a programme's results (`Results`) and
    a respondent's answers (`Answering`), over one session."""
