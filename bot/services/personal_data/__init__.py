"""The person's own data (152-ФЗ): `/mydata` exports everything stored about them, and
withdrawing consent anonymises it, keeping only anonymous aggregates.

Withdrawal runs in the caller's session and transaction: it flushes, never commits, so
either everything below happens or nothing does.

- `model.py`: constants, `Withdrawal`, `is_state_key_of`;
- `export.py`: the export;
- `withdrawal.py`: withdrawing consent and anonymising;
- `service.py`: `PersonalDataService`, the two composed.
"""

from bot.services.personal_data.model import (
    AGGREGATE_PROFILE_KEYS,
    CURATORS_CATEGORY,
    END_REASON,
    EXPORT_FORMAT,
    MARKED_BY,
    OPEN_PAIR_STATUSES,
    CuratorToNotify,
    Withdrawal,
    is_state_key_of,
)
from bot.services.personal_data.service import PersonalDataService

__all__ = [
    "AGGREGATE_PROFILE_KEYS",
    "CURATORS_CATEGORY",
    "END_REASON",
    "EXPORT_FORMAT",
    "MARKED_BY",
    "OPEN_PAIR_STATUSES",
    "CuratorToNotify",
    "PersonalDataService",
    "Withdrawal",
    "is_state_key_of",
]
