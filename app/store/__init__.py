"""Persistence with SQLAlchemy 2: SQLite embedded default, PostgreSQL for a shared centre.

ORM rows never leave this package: repositories hand out domain objects or plain arrays.
"""
