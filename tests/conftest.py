from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
AS_OF = "2025-12-31"



def require_system(what: str, available: bool) -> None:
    """Skip when a system package is missing, except under KAM_REQUIRE_SYSTEM=1 (CI), where it fails."""
    if available:
        return
    if os.environ.get("KAM_REQUIRE_SYSTEM") == "1":
        pytest.fail(f"{what} is required under KAM_REQUIRE_SYSTEM=1 but is not installed")
    pytest.skip(f"{what} is not installed on this machine (CI installs it)")


@pytest.fixture(scope="session")
def sample_data():
    import kamlib

    return kamlib.load(SAMPLE, as_of=AS_OF)


@pytest.fixture()
def sample_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "sample"
    shutil.copytree(SAMPLE, dst)
    return dst
