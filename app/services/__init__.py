"""Use cases that the UI, the command line and scripts call. No Qt."""
