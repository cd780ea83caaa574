"""`pull`, `login`, `init`, `doctor` through the CLI against the docs' example answers."""

import json
import os
import stat

import pytest
from typer.testing import CliRunner

from poster_cli.cli import common
from poster_cli.cli.main import app
from tests.support.docserver import TOKEN, DocServer


@pytest.fixture
def docs(tmp_path, monkeypatch):
    server = DocServer()
    monkeypatch.setitem(common.TRANSPORT, "transport", server.transport)
    for var in list(os.environ):
        if var.startswith("POSTER"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("POSTER_TOKEN", TOKEN)
    monkeypatch.setenv("POSTER_API_URL", "http://poster.test/api")
    monkeypatch.setenv("POSTER_CLI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POSTER_CLI_TTY", "0")
    monkeypatch.chdir(tmp_path)
    server.tmp = tmp_path
    return server


def invoke(*args, input=None):
    return CliRunner().invoke(app, list(args), input=input)


def test_pull_writes_the_snapshot_with_one_call_each(docs):
    result = invoke("pull", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["products"], summary["dishes"], summary["modifications"], summary["dishes_with_groups"]) == (
        2,
        1,
        1,
        1,
    )
    assert summary["currency"] == "RUB"
    assert sorted(docs.calls) == sorted(
        [
            "access.getSpots",
            "menu.getCategories",
            "menu.getProducts",
            "settings.getCurrency",
            "storage.getStorageLeftovers",
        ]
    )
    assert docs.calls.count("menu.getProducts") == 1 and "menu.getProduct" not in docs.calls
    snap = json.loads((docs.tmp / "data" / "menu.json").read_text(encoding="utf-8"))
    assert snap["products"][1]["spots"][0]["price"] == "19000"  # kept exactly as Poster sent it
    assert snap["api_url"] == "http://poster.test/api" and snap["pulled_at"]
    assert snap["leftovers"] is None  # this token may not read stock


def test_pull_human_summary_goes_to_stderr(docs):
    result = invoke("pull")
    assert result.exit_code == 0
    assert "Pulled 2 products and 1 dishes" in result.stderr
    assert "Вода" in result.stdout


def test_rejected_token_exits_4_in_one_line(docs, monkeypatch):
    monkeypatch.setenv("POSTER_TOKEN", "999:ffffffffffffffffffffffffffffffff")
    result = invoke("pull")
    assert result.exit_code == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "error 11" in lines[0] and "Traceback" not in result.output
    assert "ffffffff" not in result.output
    assert not (docs.tmp / "data" / "menu.json").exists()


def test_missing_token_exits_4(docs, monkeypatch):
    monkeypatch.delenv("POSTER_TOKEN")
    result = invoke("pull")
    assert result.exit_code == 4 and "poster-cli login" in result.stderr


def test_broken_config_exits_2_naming_file_and_line(docs):
    (docs.tmp / "poster-cli.toml").write_text("spot_id = [\n", encoding="utf-8")
    result = invoke("pull")
    assert result.exit_code == 2
    assert "poster-cli.toml" in result.stderr and "line" in result.stderr and "Traceback" not in result.output


def test_login_reads_stdin_checks_and_stores_privately(docs, monkeypatch):
    monkeypatch.delenv("POSTER_TOKEN")
    result = invoke("login", input=TOKEN + "\n")
    assert result.exit_code == 0, result.output
    cfg = docs.tmp / "xdg" / "poster-cli" / "config.toml"
    assert TOKEN in cfg.read_text() and stat.S_IMODE(cfg.stat().st_mode) == 0o600
    assert TOKEN not in result.output


def test_login_refuses_a_bad_token_and_stores_nothing(docs, monkeypatch):
    monkeypatch.delenv("POSTER_TOKEN")
    result = invoke("login", input="5:00000000000000000000000000000000\n")
    assert result.exit_code == 4
    assert not (docs.tmp / "xdg" / "poster-cli" / "config.toml").exists()


def test_init_writes_a_commented_config_without_asking(docs):
    result = invoke("--spot", "1", "--no-input", "init", "--local")
    assert result.exit_code == 0, result.output
    text = (docs.tmp / "poster-cli.toml").read_text()
    assert "spot_id = 1" in text and "# Where menu.json" in text
    assert invoke("init", "--local").exit_code == 2  # exists already


def test_doctor_reports_each_check(docs):
    result = invoke("--spot", "1", "doctor", "--json")
    assert result.exit_code == 0, result.output
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert set(checks) == {"token", "api", "spots", "currency", "data dir"}
    assert all(c["ok"] for c in checks.values())


def test_doctor_with_a_wrong_spot_and_bad_token(docs, monkeypatch):
    result = invoke("--spot", "77", "doctor")
    assert result.exit_code == 1 and "spot 77 is not among" in result.stdout
    monkeypatch.setenv("POSTER_TOKEN", "1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
    result = invoke("doctor")
    assert result.exit_code == 4 and "poster-cli login" in result.stdout


def test_token_never_appears_in_output_or_data_dir(docs):
    for args in (["pull"], ["pull", "--json"], ["--debug", "pull"], ["doctor"], ["--debug", "doctor", "--json"]):
        result = invoke(*args)
        assert TOKEN not in result.output, args
        assert TOKEN.split(":")[1] not in result.output, args
    for path in (docs.tmp / "data").rglob("*"):
        if path.is_file():
            assert TOKEN.split(":")[1].encode() not in path.read_bytes(), path


def test_version_and_did_you_mean():
    assert invoke("--version").stdout.startswith("poster-cli ")
    result = invoke("pul")
    assert result.exit_code == 2 and "Did you mean 'pull'" in result.output
