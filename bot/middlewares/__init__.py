"""Outer middlewares: a DB session per update, then the current user."""
