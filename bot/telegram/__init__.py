"""How the bot talks to Telegram: the one send budget (see `budget`)."""
