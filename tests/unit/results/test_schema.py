"""The results file's format (pylab.results.schema): versioned, and a bad file is one
clear error that says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from pylab import results
from pylab.base.errors import UserError

V1 = '{"format": "pylab-results", "format_version": 1, '


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ('{"format": "pylab-results", "format_ver', "not valid JSON"),
        ("[1, 2]", "not a pylab results file"),
        ('{"format": "pyperf", "cells": []}', "not a pylab results file"),
        ('{"format": "pylab-results", "format_version": "1", "cells": []}', "bad format_version"),
        ('{"format": "pylab-results", "format_version": 99, "cells": []}', "newer pylab"),
        (V1 + '"cells": []}', 'no "machine"'),
        (V1 + '"machine": {}, "cells": {}}', "not a list"),
        (V1 + '"machine": {}, "cells": [1]}', "cell 0: not an object"),
        (V1 + '"machine": {}, "cells": [{"ok": 1}]}', 'cell 0: "ok" is not true or false'),
        (V1 + '"machine": {}, "cells": [{"ok": false}]}', "cell 0: 'kernel' missing"),
        (V1 + '"machine": {}, "cells": [], "claims": []}', "claims: not an object"),
        (V1 + '"machine": {}, "cells": [], "claims": {"C01": {"verdict": 1}}}', "claim C01"),
    ],
)
def test_bad_files_are_user_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(UserError, match=message):
        results.load(path)
