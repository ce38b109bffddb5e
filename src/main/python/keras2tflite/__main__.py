"""Entry point for ``python -m keras2tflite``."""

import os
import sys

# Quiet TensorFlow's C++ logging before anything imports it; a user's explicit setting wins.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from keras2tflite.cli import main  # noqa: E402  (must follow the environment setup)

sys.exit(main())
