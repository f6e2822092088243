"""Hotspots and evaluation indicators; no Qt."""
