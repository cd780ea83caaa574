"""Issue 13 item 9: the README's account steps work in the order written: `login`, then `init`."""

from __future__ import annotations

import tomllib
from typing import Any


def test_login_then_init_completes_the_config_login_wrote(cli_env: Any) -> None:
    env = {"POSTER_TOKEN": None, "POSTER_SPOT_ID": None}
    login = cli_env.run("login", input=cli_env.sandbox.token + "\n", env=env)
    assert login.exit_code == 0, login.stderr
    config = cli_env.env["XDG_CONFIG_HOME"] + "/poster-cli/config.toml"
    init = cli_env.run("init", env=env)
    assert init.exit_code == 0, init.stderr
    with open(config, "rb") as fh:
        saved = tomllib.load(fh)
    assert saved["token"] == cli_env.sandbox.token  # what login stored is kept
    assert "api_url" in saved  # and init added what this run was given
    doctor = cli_env.run("doctor", "--json", env={"POSTER_TOKEN": None})
    assert doctor.exit_code == 0, doctor.stdout


def test_init_still_refuses_a_config_written_by_hand(cli_env: Any) -> None:
    path = cli_env.data_dir.parent / "config" / "poster-cli" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('token = "1:' + "a" * 32 + '"\nspot_id = 2\n', encoding="utf-8")
    r = cli_env.run("init", env={"POSTER_TOKEN": None})
    assert r.exit_code == 2 and "already exists" in r.stderr
    assert "spot_id = 2" in path.read_text(encoding="utf-8")
