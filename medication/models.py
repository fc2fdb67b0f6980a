"""Filled in by the care-components issue."""
