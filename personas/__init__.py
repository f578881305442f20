"""Bundled persona files (YAML). This package exists so that they install with Parley."""
