"""Exceptions the CLI turns into one-line messages."""


class Keras2TfliteError(Exception):
    """A problem the user can fix (bad input data, unsupported model); the CLI prints it and exits 1."""


class UsageError(Keras2TfliteError):
    """The command line is wrong (a bad flag, a missing or wrong kind of file), found before any work; exit 2."""


class VerificationError(Keras2TfliteError):
    """TFLite outputs differ from the reference by more than the tolerance; the CLI exits 3."""
