"""/meeting: the fastest thing in the bot. A mentor with one pair logs a usual meeting in
three taps at most: (the pair, when there are several) → the date → one button repeating
the pair's usual combination («Регулярная · 45 мин · очно»), which saves. Every field can
be changed instead; a group meeting records who was there. Also here: the pair's history
(newest first, paged, each meeting opened to edit or delete within the rules), planning the
next meeting (propose, accept, another time), «Встреча состоялась?» after a planned one,
and the mentee's side (did it happen, a rating, a comment, how the pair fits).

`dialogs.py` builds the windows, `getters.py` fills them, `handlers.py` answers their
buttons and inputs, `common.py` holds what both share, `start.py` opens the dialog.
Ids that come back in callbacks are checked by the service on every use."""

from bot.dialogs.meetings.dialogs import meeting_log_dialog
from bot.dialogs.meetings.start import start_meeting

__all__ = ["meeting_log_dialog", "start_meeting"]
