"""Multi-step flows as aiogram-dialog windows."""
