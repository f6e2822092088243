"""Pure-Python domain model: no Qt, no SQL, no pandas (enforced by import-linter)."""
