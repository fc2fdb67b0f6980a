"""Permission-matrix entries for therapy routes (see tests/test_permission_matrix.py)."""

MATRIX: list = []
