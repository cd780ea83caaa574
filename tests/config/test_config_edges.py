"""Settings edges that single-line bugs hid in: an empty environment variable, a boolean or
fractional spot id, a profile defined only in a lower-priority file, where each value came from."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from poster_cli.config import Settings, load_settings
from poster_cli.errors import ConfigError
from poster_cli.poster.redact import redact


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path


def user_file(home: Path, text: str) -> Path:
    path = home / "xdg" / "poster-cli" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def local_file(home: Path, text: str) -> Path:
    path = home / "poster-cli.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_empty_environment_variable_counts_as_unset(home: Path) -> None:
    local = local_file(home, 'spot_id = 3\napi_url = "http://127.0.0.1:9/api"\n')
    s = load_settings(env={"POSTER_SPOT_ID": "", "POSTER_API_URL": "", "POSTER_TOKEN": ""}, cwd=home)
    assert (s.spot_id, s.api_url, s.token) == (3, "http://127.0.0.1:9/api", None)
    assert s.sources == {"spot_id": str(local), "api_url": str(local)}


def test_empty_profile_and_config_variables_count_as_unset(home: Path) -> None:
    local_file(home, "spot_id = 3\n[profiles.x]\nspot_id = 4\n")
    s = load_settings(env={"POSTER_PROFILE": "", "POSTER_CLI_CONFIG": ""}, cwd=home)
    assert (s.spot_id, s.profile) == (3, None)


@pytest.mark.parametrize("text", ["spot_id = true\n", "spot_id = false\n", "spot_id = 1.5\n", "timeout = true\n"])
def test_a_boolean_or_fractional_number_is_refused_naming_the_file(home: Path, text: str) -> None:
    local = local_file(home, text)
    key = text.split(" ")[0]
    with pytest.raises(ConfigError) as info:
        load_settings(env={}, cwd=home)
    assert str(info.value).startswith(f"{local}: {key} must be")
    assert info.value.exit_code == 2


def test_a_whole_float_spot_id_is_that_spot(home: Path) -> None:
    local_file(home, "spot_id = 2.0\n")
    s = load_settings(env={}, cwd=home)
    assert s.spot_id == 2 and type(s.spot_id) is int


def test_a_profile_only_in_the_user_file_is_found_and_the_local_file_still_wins(home: Path) -> None:
    user = user_file(
        home, 'spot_id = 1\ntimeout = 4\n[profiles.night]\nspot_id = 5\napi_url = "http://127.0.0.1:1/api"\n'
    )
    local = local_file(home, "spot_id = 7\n")
    s = load_settings(env={}, cwd=home, profile="night")
    # the profile overrides the user file's own top level; the local file is a higher layer
    assert (s.spot_id, s.api_url, s.timeout, s.profile) == (7, "http://127.0.0.1:1/api", 4.0, "night")
    assert s.sources == {"spot_id": str(local), "api_url": str(user), "timeout": str(user)}
    assert s.files == [user, local]


def test_a_profile_in_no_file_is_an_error_even_when_files_exist(home: Path) -> None:
    user_file(home, "[profiles.day]\nspot_id = 5\n")
    local_file(home, "spot_id = 7\n")
    with pytest.raises(ConfigError, match="profile 'night' is not defined in any config file"):
        load_settings(env={}, cwd=home, profile="night")


def test_the_api_url_loses_its_trailing_slash_and_must_be_http(home: Path) -> None:
    assert (
        load_settings(env={"POSTER_API_URL": "http://127.0.0.1:5/api/"}, cwd=home).api_url == "http://127.0.0.1:5/api"
    )
    with pytest.raises(ConfigError, match="api_url must start with http:// or https://"):
        load_settings(env={"POSTER_API_URL": "ftp://x/api"}, cwd=home)


def test_defaults_without_any_file(home: Path) -> None:
    s = load_settings(env={}, cwd=home)
    assert (s.api_url, s.spot_id, s.timeout, s.rate_limit) == ("https://joinposter.com/api", None, 15.0, 5.0)
    assert (s.comment_template, s.data_dir, s.sources, s.files) == (
        "Site order #{order_id}",
        Path("poster-data"),
        {},
        [],
    )


def test_the_data_folder_paths() -> None:
    s = Settings(data_dir=Path("/d"))
    assert (s.menu_path, s.mapping_path, s.journal_path, s.webhooks_path) == (
        Path("/d/menu.json"),
        Path("/d/mapping.toml"),
        Path("/d/orders.sqlite"),
        Path("/d/webhooks.sqlite"),
    )


def test_a_template_without_the_order_id_is_refused(home: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(env={"POSTER_COMMENT_TEMPLATE": "Site order"}, cwd=home)
    assert str(refused.value) == "comment_template must contain {order_id}"


def test_the_token_and_app_secret_loaded_are_masked_in_any_later_message(home: Path) -> None:
    # Neither has a Poster token's shape, so only their being registered at load masks them.
    token, secret = f"tok-{uuid.uuid4().hex}", f"sec-{uuid.uuid4().hex}"
    load_settings(env={"POSTER_TOKEN": token, "POSTER_APP_SECRET": secret}, cwd=home)
    said = redact(f"GET /api/menu.getProducts?key={token} failed; signed with {secret}")
    assert said == "GET /api/menu.getProducts?key=*** failed; signed with ***"


def test_the_token_never_shows_in_the_settings_repr(home: Path) -> None:
    s = load_settings(env={"POSTER_TOKEN": "123:abcdef0123456789abcdef0123456789"}, cwd=home)
    assert "abcdef" not in repr(s) and repr(s).endswith("token=set)")
    assert repr(load_settings(env={}, cwd=home)).endswith("token=unset)")


def test_poster_cli_config_names_the_file_and_its_values_count(home: Path) -> None:
    chosen = home / "chosen.toml"
    chosen.write_text("spot_id = 8\n", encoding="utf-8")
    s = load_settings(env={"POSTER_CLI_CONFIG": str(chosen)}, cwd=home)
    assert (s.spot_id, s.files, s.sources) == (8, [chosen], {"spot_id": str(chosen)})


@pytest.mark.parametrize(
    "kwargs,hint",
    [
        ({"config_file": "nope.toml"}, "run `poster-cli init` to write one"),
        ({"profile": "night"}, "add [profiles.night]"),
    ],
)
def test_config_mistakes_say_what_to_do(home: Path, kwargs: dict[str, str], hint: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env={}, cwd=home, **kwargs)  # type: ignore[arg-type]
    assert info.value.hint == hint


def test_an_unknown_key_points_at_the_sample_config(home: Path) -> None:
    local_file(home, "spot = 1\n")
    with pytest.raises(ConfigError) as info:
        load_settings(env={}, cwd=home)
    assert info.value.hint == "see sample-config.toml for the keys"


def test_a_bad_flag_value_names_the_flag(home: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env={}, cwd=home, flags={"rate_limit": "fast"})
    assert info.value.message == "--rate-limit: rate_limit must be a number, got 'fast'"
