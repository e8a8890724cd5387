"""The style we agreed on (pyproject.toml's ruff configuration) holds for the whole tree."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "check", "--output-format", "concise", "."],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
