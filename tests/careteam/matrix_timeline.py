"""Permission-matrix entries for the timeline routes (see tests/test_permission_matrix.py)."""

MATRIX: list = []
