"""Permission-matrix entries for the caseload routes (see tests/test_permission_matrix.py)."""

MATRIX: list = []
