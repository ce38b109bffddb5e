"""Entry point for ``python -m keras2tflite``."""

import faulthandler
import os
import sys

# A crash in TensorFlow's C++ code (the converter, the interpreter) then prints the Python stack on fd 2, which
# keras2tflite.native_stderr forwards even though the process is dying.
faulthandler.enable()

# Quiet TensorFlow's C++ logging before anything imports it; a user's explicit setting wins.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from keras2tflite.cli import main  # noqa: E402  (must follow the environment setup)

sys.exit(main())
