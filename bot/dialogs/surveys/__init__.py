"""`/surveys` for the curator: launch a questionnaire wave with a deadline, switch the
recurring pulse on or off, see who answered and remind the rest with one tap, and get
the entry → exit results (a summary here, an XLSX and a PNG chart as files).

`dialogs` builds the windows, `getters` says what they show, `handlers` acts on the taps."""

from bot.dialogs.surveys.dialogs import surveys_dialog

__all__ = ["surveys_dialog"]
