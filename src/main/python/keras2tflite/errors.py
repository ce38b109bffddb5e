"""Exceptions the CLI turns into one-line messages."""


class Keras2TfliteError(Exception):
    """A problem the user can fix (bad input, bad flag, unsupported model); the CLI prints it and exits 1."""


class VerificationError(Keras2TfliteError):
    """TFLite outputs differ from the reference by more than the tolerance; the CLI exits 2."""
