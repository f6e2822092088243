"""CityGrid: desktop GIS command centre for grid-based urban management."""

__version__ = "0.1.0"
