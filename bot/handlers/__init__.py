"""Telegram-facing routers: thin, they parse and delegate to services."""
