"""Permission-matrix entries for medication routes (see tests/test_permission_matrix.py)."""

MATRIX: list = []
