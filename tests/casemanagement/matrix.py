"""Permission-matrix entries for casemanagement routes (see tests/test_permission_matrix.py)."""

MATRIX: list = []
