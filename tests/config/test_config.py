"""Settings precedence, profiles, and clear failures for broken config files."""

import os
import stat

import pytest

from poster_cli.config import load_settings, render_config, store_value
from poster_cli.errors import ConfigError
from tests.support.paths import ROOT


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path


def test_precedence_flags_env_config_local_user(home):
    user = home / "xdg" / "poster-cli" / "config.toml"
    user.parent.mkdir(parents=True)
    write(user, 'spot_id = 1\napi_url = "http://user/api"\ntimeout = 3\n')
    write(home / "poster-cli.toml", 'spot_id = 2\napi_url = "http://local/api"\n')
    explicit = write(home / "explicit.toml", 'spot_id = 3\n')
    s = load_settings(env={}, cwd=home)
    assert (s.spot_id, s.api_url, s.timeout) == (2, "http://local/api", 3.0)
    s = load_settings(env={}, cwd=home, config_file=explicit)
    assert s.spot_id == 3 and s.api_url == "http://local/api"
    s = load_settings(env={"POSTER_SPOT_ID": "4", "POSTER_CLI_CONFIG": str(explicit)}, cwd=home)
    assert s.spot_id == 4 and s.sources["spot_id"] == "POSTER_SPOT_ID"
    s = load_settings(env={"POSTER_SPOT_ID": "4"}, cwd=home, flags={"spot_id": 5})
    assert s.spot_id == 5 and s.sources["spot_id"] == "flag"


def test_profiles_override_the_top_level(home):
    cfg = write(
        home / "c.toml", 'spot_id = 1\n[profiles.staging]\nspot_id = 9\napi_url = "http://127.0.0.1:8765/api"\n'
    )
    assert load_settings(env={}, cwd=home, config_file=cfg).spot_id == 1
    s = load_settings(env={"POSTER_PROFILE": "staging"}, cwd=home, config_file=cfg)
    assert s.spot_id == 9 and s.is_local_api
    with pytest.raises(ConfigError, match="profile 'nope'"):
        load_settings(env={}, cwd=home, config_file=cfg, profile="nope")


def test_broken_toml_names_file_and_line(home):
    cfg = write(home / "bad.toml", 'spot_id = 1\napi_url = "unterminated\n')
    with pytest.raises(ConfigError) as info:
        load_settings(env={}, cwd=home, config_file=cfg)
    assert "bad.toml" in str(info.value) and "line 2" in str(info.value)
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    "text,needle", [("spot = 1\n", "unknown key 'spot'"), ('spot_id = "abc"\n', "spot_id must be a whole number")]
)
def test_wrong_keys_and_values(home, text, needle):
    cfg = write(home / "c.toml", text)
    with pytest.raises(ConfigError, match=needle):
        load_settings(env={}, cwd=home, config_file=cfg)


def test_missing_explicit_config_is_an_error(home):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(env={}, cwd=home, config_file=home / "nope.toml")


def test_store_value_keeps_other_keys_and_is_private(home):
    cfg = write(home / "c.toml", "spot_id = 7\n")
    store_value(cfg, "token", "1:abcdef")
    assert stat.S_IMODE(os.stat(cfg).st_mode) == 0o600
    s = load_settings(env={}, cwd=home, config_file=cfg)
    assert (s.spot_id, s.token) == (7, "1:abcdef")
    assert "abcdef" not in repr(s)


def test_rendered_config_documents_every_key_and_parses(home):
    text = render_config({"spot_id": 2})
    for key in ("token", "api_url", "spot_id", "app_secret", "data_dir", "comment_template"):
        assert key in text
    cfg = write(home / "r.toml", text)
    assert load_settings(env={}, cwd=home, config_file=cfg).spot_id == 2


def test_sample_config_documents_every_key_and_parses(home):

    from poster_cli.config import KEYS

    sample = ROOT / "sample-config.toml"
    text = sample.read_text(encoding="utf-8")
    for key in KEYS:
        assert key in text, key
    load_settings(env={}, cwd=home, config_file=sample)
