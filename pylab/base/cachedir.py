"""pylab's folder in the user's cache: $XDG_CACHE_HOME/pylab, else ~/.cache/pylab.

What pylab keeps there can always be made again: an environment per interpreter
(pylab.pythons.envs) and the machine's measured memory bandwidth (pylab.probing.bandwidth).
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """The folder, as the XDG base directory spec places a user's cache."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pylab"
