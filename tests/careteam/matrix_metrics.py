"""Permission-matrix entries for the metrics routes (see tests/test_permission_matrix.py)."""

MATRIX: list = []
