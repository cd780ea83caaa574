"""`poster-cli demo`: the whole flow works with no account, no terminal, and cleans up after itself."""

import re
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from poster_cli.cli.main import app
from poster_cli.demo import demo_catalogue
from tests.support.paths import ROOT


def test_demo_runs_end_to_end_and_cleans_up(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    err = result.stderr
    for step in range(1, 7):
        assert f"[{step}/6]" in err
    assert "webhook received: order demo-1001 is accepted" in err
    assert "state: accepted" in result.stdout
    used = re.search(r"data in (\S+)", err).group(1)
    assert not Path(used).exists()


def test_demo_keep_leaves_the_data_for_a_look(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    data = tmp_path / "demo-data"
    result = CliRunner().invoke(app, ["demo", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    for name in ("menu.json", "mapping.toml", "orders.sqlite", "webhooks.sqlite"):
        assert (data / name).exists(), name
    with sqlite3.connect(data / "orders.sqlite") as db:
        rows = db.execute("SELECT order_id FROM orders").fetchall()
    assert rows == [("demo-1001",)]


def test_packaged_catalogue_is_the_example_one():
    assert demo_catalogue().read_bytes() == (ROOT / "examples" / "site-catalogue.csv").read_bytes()
