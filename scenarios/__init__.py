"""Bundled scenario files (YAML), one per source story. This package exists so that they install."""
