"""The person's own data service: the export and the withdrawal, composed."""

from __future__ import annotations

from bot.services.personal_data.export import _Export
from bot.services.personal_data.withdrawal import _Withdrawal


class PersonalDataService(_Export, _Withdrawal):
    """`/mydata` (export) and withdrawing consent (anonymisation)."""
