"""Numeric settings are checked when loaded: nan, inf, zero, negatives and absurd values are exit 2
with one line naming the key and where the value came from (flag, environment variable, file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.sandbox import CliEnv


@pytest.mark.parametrize(
    "var,value",
    [
        ("POSTER_TIMEOUT", "nan"),
        ("POSTER_TIMEOUT", "-5"),
        ("POSTER_TIMEOUT", "0"),
        ("POSTER_TIMEOUT", "1e999999"),
        ("POSTER_RATE_LIMIT", "1e-9"),
        ("POSTER_RATE_LIMIT", "inf"),
        ("POSTER_RATE_LIMIT", "-1"),
        ("POSTER_SPOT_ID", "0"),
        ("POSTER_SPOT_ID", "-3"),
    ],
)
def test_a_bad_value_in_the_environment_is_exit_2_naming_the_variable(cli_env: CliEnv, var: str, value: str) -> None:
    r = cli_env.run("pull", env={var: value})
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    key = var.removeprefix("POSTER_").lower()
    assert len(lines) == 1 and lines[0].startswith(f"error: {var}: {key} must be ")
    assert "Traceback" not in r.stderr
    assert not (cli_env.data_dir / "menu.json").exists()


@pytest.mark.parametrize("line", ["timeout = nan", "timeout = -5.0", "rate_limit = 1e-9", "timeout = inf"])
def test_a_bad_value_in_a_config_file_names_the_file(cli_env: CliEnv, tmp_path: Path, line: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(line + "\n", encoding="utf-8")
    r = cli_env.run("--config", str(config), "doctor", env={"POSTER_TIMEOUT": None, "POSTER_RATE_LIMIT": None})
    assert r.exit_code == 2
    key = line.split()[0]
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {config}: {key} must be ")


def test_a_bad_flag_names_the_flag(cli_env: CliEnv, tmp_path: Path) -> None:
    site = tmp_path / "site.csv"
    site.write_text("id,name\nA,Еспресо\n", encoding="utf-8")
    r = cli_env.run("match", str(site), "--spot", "0")
    assert r.exit_code == 2 and r.stderr.startswith("error: --spot: spot_id must be a positive whole number")


@pytest.mark.parametrize("rate", ["1000", "0"])  # 0: no pacing
def test_values_in_range_still_load(cli_env: CliEnv, rate: str) -> None:
    r = cli_env.run("pull", "--json", env={"POSTER_TIMEOUT": "0.5", "POSTER_RATE_LIMIT": rate})
    assert r.exit_code == 0, r.stderr


@pytest.mark.parametrize("delays", ["nan", "-1", "1,inf"])
def test_bad_lookup_delays_are_exit_2(cli_env: CliEnv, delays: str) -> None:
    assert cli_env.run("pull").exit_code == 0
    args = ("order", "send", "-i", "poster:101", "--phone", "+380501234567", "--order-id", "W-1", "--yes")
    r = cli_env.run(*args, env={"POSTER_CLI_LOOKUP_DELAYS": delays})
    assert r.exit_code == 2 and r.stderr.startswith("error: POSTER_CLI_LOOKUP_DELAYS=")
    assert cli_env.sandbox.state.doc["orders"] == []  # nothing sent
