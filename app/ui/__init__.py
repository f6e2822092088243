"""PySide6 widgets, windows and dialogs. Never talks SQL: everything goes via app.services."""
