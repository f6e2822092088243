"""Geometry, CRS, spatial indexes and GIS file I/O. No Qt."""
