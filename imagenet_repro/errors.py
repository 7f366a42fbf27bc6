"""Errors a user can act on: their message is printed alone, without a traceback."""


class UserError(Exception):
    """A mistake in the user's input or environment, with what to do about it."""


class WordNetUnavailable(UserError):
    """WordNet 3.0 cannot be found or has the wrong version."""


class InputDataError(UserError):
    """A user-supplied file or folder cannot be used (names the file and line)."""
