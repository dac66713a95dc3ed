"""A wrong setting stops the CLI with one line naming it; the signing key is made once."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _migrate(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LOG_LEVEL"}}
    # Run outside the repository so no .env file there can supply settings.
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "migrate"],
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/crm"}, "DATABASE_URL"),
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        (
            {"DATABASE_URL": "postgresql://u:p@localhost/crm", "LOG_LEVEL": "LOUD"},
            "LOG_LEVEL",
        ),
    ],
)
def test_a_wrong_setting_exits_non_zero_with_one_line_naming_it(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    result = _migrate(tmp_path, **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_secret_key_is_generated_once_under_var_dir_and_reused(tmp_path: Path) -> None:
    first = Settings(secret_key=None, var_dir=tmp_path / "var")
    key = first.signing_key()
    stored = tmp_path / "var" / "secret_key"
    assert stored.read_text() == key
    assert len(key) >= 32
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert Settings(secret_key=None, var_dir=tmp_path / "var").signing_key() == key
    assert Settings(secret_key=None, var_dir=tmp_path / "other").signing_key() != key


def test_a_given_secret_key_is_used_and_nothing_is_written(tmp_path: Path) -> None:
    given = "k" * 40
    assert Settings(secret_key=given, var_dir=tmp_path).signing_key() == given
    assert not (tmp_path / "secret_key").exists()


def test_a_short_secret_key_is_refused_by_name() -> None:
    from adapters.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings(secret_key="short")
