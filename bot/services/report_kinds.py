"""The reports `/report` offers, in the order the menu lists them.

Who may ask: a curator for their school, a coordinator for their municipality, an admin for
any (bot/services/reports/ `report_targets`); "monitoring" is the municipal monitoring
report, the others are a school's (or a municipality's schools'). Each is built at send time
by its builder in bot/jobs (registered at start, see `bot.jobs.register_builders`), which
checks the recipient's access again.
"""

from __future__ import annotations

# Persisted in queued notifications ({"report": key}) and in locale keys
# (report-title-<key>): never rename.
REPORT_KEYS: tuple[str, ...] = ("monitoring", "mentors", "mentees", "meetings", "surveys")
