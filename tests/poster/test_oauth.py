"""`login --oauth`: the code flow on a loopback redirect, against the sandbox's OAuth endpoints."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
import threading
import tomllib
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from poster_cli.errors import AuthError, NotConfiguredError
from poster_cli.oauth import authorize_url, login_with_oauth, token_url

APP_ID = "4242"


def browser(action):
    """A fake browser: ``show_url`` runs ``action(url, redirect_uri)`` in a thread, as a person would."""
    threads = []

    def show(url: str, redirect_uri: str) -> None:
        t = threading.Thread(target=action, args=(url, redirect_uri), daemon=True)
        t.start()
        threads.append(t)

    return show


def follow(url: str, redirect_uri: str) -> None:
    """Allow access: the sandbox redirects straight back to our callback."""
    httpx.get(url, follow_redirects=True, timeout=10)


def login(sandbox_server, show, **kwargs):
    params = {
        "api_url": sandbox_server.api_url,
        "app_id": APP_ID,
        "app_secret": sandbox_server.handle.app_secret,
        "show_url": show,
        "timeout": 10,
    }
    params.update(kwargs)
    return asyncio.run(login_with_oauth(**params))


def test_the_urls_follow_the_docs():
    url = authorize_url("https://joinposter.com/api", "76", "http://127.0.0.1:8080/callback", "xyz")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "joinposter.com", "/api/auth")
    assert parse_qs(parts.query) == {
        "application_id": ["76"],
        "redirect_uri": ["http://127.0.0.1:8080/callback"],
        "response_type": ["code"],
        "state": ["xyz"],
    }
    assert (
        token_url("https://joinposter.com/api", "api-demo")
        == "https://api-demo.joinposter.com/api/v2/auth/access_token"
    )
    assert token_url("http://127.0.0.1:8765/api", "api-demo") == "http://127.0.0.1:8765/api/v2/auth/access_token"
    with pytest.raises(AuthError):
        token_url("https://joinposter.com/api", "evil.example.com/x")


def test_the_code_flow_against_the_sandbox_gives_a_working_token(sandbox_server):
    result = login(sandbox_server, browser(follow))
    assert result.account == sandbox_server.state.account
    assert result.access_token.startswith(sandbox_server.state.account_number + ":")
    assert result.access_token not in repr(result)
    spots = httpx.get(f"{sandbox_server.api_url}/access.getSpots", params={"token": result.access_token}).json()
    assert "response" in spots


def test_a_wrong_app_secret_is_refused_with_poster_s_reason(sandbox_server):
    with pytest.raises(AuthError) as err:
        login(sandbox_server, browser(follow), app_secret="not-the-secret")
    assert "Invalid application_secret" in str(err.value)
    assert "not-the-secret" not in str(err.value)


def test_a_denied_authorization_is_an_auth_error(sandbox_server):
    deny = browser(lambda url, redirect: httpx.get(f"{redirect}?error=access_denied"))
    with pytest.raises(AuthError) as err:
        login(sandbox_server, deny)
    assert "access_denied" in str(err.value)


def test_a_redirect_from_another_login_is_refused(sandbox_server):
    forged = browser(lambda url, redirect: httpx.get(f"{redirect}?code=abc&account=x&state=someone-else"))
    with pytest.raises(AuthError) as err:
        login(sandbox_server, forged)
    assert "state differs" in str(err.value)


def test_no_redirect_within_the_timeout_is_an_auth_error(sandbox_server):
    with pytest.raises(AuthError) as err:
        login(sandbox_server, lambda url, redirect: None, timeout=0.2)
    assert "no redirect from Poster within 0.2s" in str(err.value)


def test_oauth_needs_the_application_id_and_secret(sandbox_server):
    with pytest.raises(NotConfiguredError) as err:
        login(sandbox_server, browser(follow), app_id=None)
    assert "POSTER_APP_ID" in str(err.value)


def test_login_oauth_command_prints_the_url_headless_and_stores_token_and_account(sandbox_server, tmp_path):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("POSTER_") and k not in ("DISPLAY", "WAYLAND_DISPLAY")
    }
    env.update(
        POSTER_API_URL=sandbox_server.api_url,
        POSTER_APP_ID=APP_ID,
        POSTER_APP_SECRET=sandbox_server.handle.app_secret,
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
        NO_COLOR="1",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "poster_cli", "login", "--oauth", "--oauth-timeout", "20"],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if line.strip().startswith("http"):
            url = line.strip()
            break
    assert "Open this address in a browser" in "".join(seen)
    assert f"{sandbox_server.api_url}/auth?" in url and "redirect_uri=http%3A%2F%2F127.0.0.1%3A" in url
    httpx.get(url, follow_redirects=True, timeout=10)
    out, rest = proc.communicate(timeout=20)
    assert proc.returncode == 0, rest
    config = tmp_path / "cfg" / "poster-cli" / "config.toml"
    stored = tomllib.loads(config.read_text())
    assert stored["account"] == sandbox_server.state.account
    assert stored["token"] in sandbox_server.state.doc["issued_tokens"]
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stored["token"] not in out + "".join(seen) + rest
    assert "Logged in to account" in rest
