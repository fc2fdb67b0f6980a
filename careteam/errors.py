class StaleEdit(Exception):
    """An edit based on a version that is no longer current. Nothing was written."""

    def __init__(self, *, current_version: int, message: str) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.message = message
