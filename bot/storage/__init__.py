"""Storage: SQLAlchemy models, repositories, migrations and the FSM storage."""
