"""The environment variables outside the settings table (all read in config.py), the config file
writer (``init``, ``login``) and where a TOML error is reported."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from poster_cli import config
from poster_cli.errors import ConfigError


@pytest.mark.parametrize(
    "env,allowed",
    [
        ({}, True),
        ({"NO_COLOR": ""}, False),
        ({"NO_COLOR": "1"}, False),
        ({"TERM": "dumb"}, False),
        ({"TERM": "xterm"}, True),
    ],
)
def test_colour_follows_no_color_and_term(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], allowed: bool) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert config.colour_allowed_by_env() is allowed


@pytest.mark.parametrize(
    "value,forced",
    [(None, None), ("", None), ("1", True), ("yes", True), ("0", False), ("false", False), ("no", False)],
)
def test_poster_cli_tty(monkeypatch: pytest.MonkeyPatch, value: str | None, forced: bool | None) -> None:
    monkeypatch.delenv("POSTER_CLI_TTY", raising=False)
    if value is not None:
        monkeypatch.setenv("POSTER_CLI_TTY", value)
    assert config.forced_tty() is forced


@pytest.mark.parametrize(
    "env,shown",
    [({}, False), ({"DISPLAY": ""}, False), ({"DISPLAY": ":0"}, True), ({"WAYLAND_DISPLAY": "wayland-0"}, True)],
)
def test_graphical_display(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], shown: bool) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert config.graphical_display() is shown


@pytest.mark.parametrize("value,read", [(None, ""), (":Europe/Kyiv", "Europe/Kyiv"), ("UTC", "UTC")])
def test_tz_without_the_posix_colon(monkeypatch: pytest.MonkeyPatch, value: str | None, read: str) -> None:
    monkeypatch.delenv("TZ", raising=False)
    if value is not None:
        monkeypatch.setenv("TZ", value)
    assert config.tz_variable() == read


@pytest.mark.parametrize("value,on", [(None, False), ("1", True), ("0", False), ("true", False), ("", False)])
def test_poster_debug_is_on_only_with_1(monkeypatch: pytest.MonkeyPatch, value: str | None, on: bool) -> None:
    monkeypatch.delenv("POSTER_DEBUG", raising=False)
    if value is not None:
        monkeypatch.setenv("POSTER_DEBUG", value)
    assert config.debug_from_env() is on


@pytest.mark.parametrize(
    "value,delays",
    [(None, (1.0, 2.0, 4.0)), ("", (1.0, 2.0, 4.0)), ("0,0", (0.0, 0.0)), ("0.5, 2,", (0.5, 2.0)), ("300", (300.0,))],
)
def test_lookup_delays(monkeypatch: pytest.MonkeyPatch, value: str | None, delays: tuple[float, ...]) -> None:
    monkeypatch.delenv("POSTER_CLI_LOOKUP_DELAYS", raising=False)
    if value is not None:
        monkeypatch.setenv("POSTER_CLI_LOOKUP_DELAYS", value)
    assert config.lookup_delays() == delays


@pytest.mark.parametrize("value", ["soon", "-1", "301", "nan", "inf", "1,x"])
def test_bad_lookup_delays_are_exit_2(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("POSTER_CLI_LOOKUP_DELAYS", value)
    with pytest.raises(ConfigError) as info:
        config.lookup_delays()
    assert str(info.value).startswith(f"POSTER_CLI_LOOKUP_DELAYS={value!r}: expected seconds (0-300)")
    assert info.value.exit_code == 2


def test_store_value_keeps_the_rest_and_writes_into_a_profile(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.toml"
    config.store_value(path, "token", "1:aa")
    config.store_value(path, "spot_id", 2, profile="night")
    config.store_value(path, "spot_id", 3)
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {
        "token": "1:aa",
        "spot_id": 3,
        "profiles": {"night": {"spot_id": 2}},
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_render_config_comments_unset_keys_and_shows_set_ones() -> None:
    text = config.render_config({"spot_id": 4})
    assert "spot_id = 4\n" in text and "\n# timeout = 15.0\n" in text and "\n# token = \"\"\n" in text
    assert text.startswith("# poster-cli configuration. Precedence: flags > environment > this file.\n\n")
    assert f"\n# {config.KEYS['timeout'][3]} (env POSTER_TIMEOUT)\n# timeout = 15.0\n" in text
    bare = config.render_config({"spot_id": 4}, commented=False)
    assert "(env " not in bare and tomllib.loads(bare) == {"spot_id": 4}


@pytest.mark.parametrize(
    "text,line",
    [
        ('spot_id = 1\napi_url = "x\n', 2),
        ("spot_id = 1\n[profiles\n", 2),
        ("spot_id = \n", 1),
        ("a = 1\nb = [", 2),  # "at end of document": the last line
        ("x = [1,\n", 1),  # ... which a final newline does not add to
        ("x = [1,", 1),
    ],
)
def test_a_toml_error_names_its_line(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        config.read_toml(path)
    assert str(info.value).startswith(f"{path}, line {line}: not valid TOML")


def test_a_config_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes('spot_id = 1\n# Кава\n'.encode("cp1251"))
    with pytest.raises(ConfigError) as info:
        config.read_toml(path)
    assert (info.value.message, info.value.hint) == (f"{path}: not UTF-8 text", "save the file as UTF-8")


def test_a_toml_error_carries_the_callers_fix(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("spot_id = \n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        config.read_toml(path, fix="edit it")
    assert info.value.hint == "edit it"
    with pytest.raises(ConfigError) as info:
        config.read_toml(path)
    assert info.value.hint == "fix the file or point --config elsewhere"


def test_a_config_path_that_cannot_be_read_says_why(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        config.read_toml(tmp_path)  # a folder
    assert info.value.message == f"{tmp_path}: cannot read: Is a directory"


@pytest.mark.parametrize(
    "text,message",
    [
        ("profiles = 3\n", "{path}: [profiles] must be a table"),
        ("[profiles]\nnight = 3\n", "{path}: [profiles.night] must be a table"),
    ],
)
def test_profiles_that_are_not_tables_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        config.load_settings(env={}, cwd=tmp_path, config_file=path, profile="night")
    assert info.value.message == message.format(path=path)


@pytest.mark.parametrize(
    "flags,env,hint",
    [
        ({"timeout": 0}, {}, "pass --timeout with a value in that range"),
        ({"spot_id": 0}, {}, "pass --spot with a value in that range"),
        ({}, {"POSTER_TIMEOUT": "0"}, "fix or unset the environment variable POSTER_TIMEOUT"),
    ],
)
def test_a_value_out_of_range_says_where_to_fix_it(
    tmp_path: Path, flags: dict[str, int], env: dict[str, str], hint: str
) -> None:
    with pytest.raises(ConfigError) as info:
        config.load_settings(env=env, cwd=tmp_path, flags=flags)
    assert info.value.hint == hint


def test_bad_lookup_delays_say_how_to_fix_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTER_CLI_LOOKUP_DELAYS", "soon")
    with pytest.raises(ConfigError) as info:
        config.lookup_delays()
    assert info.value.hint == "fix or unset the environment variable POSTER_CLI_LOOKUP_DELAYS"


def test_a_value_out_of_range_in_a_file_says_to_fix_it_there(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("spot_id = -4\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        config.load_settings(env={}, cwd=tmp_path, config_file=path)
    assert info.value.hint == "fix spot_id in that file"
    assert info.value.message.startswith(f"{path}: spot_id must be a positive whole number")


def test_an_api_url_without_a_scheme_shows_an_example(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        config.load_settings(env={"POSTER_API_URL": "joinposter.com/api"}, cwd=tmp_path)
    assert info.value.hint == "e.g. https://joinposter.com/api"


def test_a_number_that_is_not_one_is_named_a_number_or_a_whole_number(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        config.load_settings(env={"POSTER_TIMEOUT": "soon"}, cwd=tmp_path)
    assert info.value.message == "POSTER_TIMEOUT: timeout must be a number, got 'soon'"
    with pytest.raises(ConfigError) as info:
        config.load_settings(env={"POSTER_SPOT_ID": "first"}, cwd=tmp_path)
    assert info.value.message == "POSTER_SPOT_ID: spot_id must be a whole number, got 'first'"


@pytest.mark.parametrize("xdg", [None, ""])
def test_the_user_config_is_under_dot_config_without_xdg(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, xdg: str | None
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
    assert config.user_config_path() == tmp_path / ".config" / "poster-cli" / "config.toml"
