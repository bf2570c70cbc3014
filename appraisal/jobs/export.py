"""Placeholder until the area is built."""
