"""Bundled scenario files (YAML), one per source story, installed as ``simulator.bundled.scenarios``."""
