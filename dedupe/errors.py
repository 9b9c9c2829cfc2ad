"""Exceptions raised by the library; the CLI turns each into a one-line message."""


class DedupeError(Exception):
    """Base class for every error the library raises on purpose."""


class ConfigError(DedupeError, ValueError):
    """A parameter is out of range or inconsistent; the message names it and the fix."""


class BadInputError(DedupeError):
    """One input could not be read. Carries the path so reports can list it."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
