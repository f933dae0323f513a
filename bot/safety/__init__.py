"""Acute situations: found in every message before anything else, answered with help first."""
