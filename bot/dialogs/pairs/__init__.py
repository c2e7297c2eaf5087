"""Curator: `/pairs` (see dialogs.py): windows and the Dialog in dialogs.py, getters.py,
handlers.py, the «✨ Предложения» part in suggestions.py."""

from bot.dialogs.pairs.dialogs import pairs_dialog
from bot.dialogs.pairs.handlers import start_pairs

__all__ = ["pairs_dialog", "start_pairs"]
