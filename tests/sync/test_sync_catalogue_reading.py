"""`sync --catalogue` reads the catalogue the way `match` was told to: the same column, sheet and
format flags, so a file whose columns `match` needed --id-col for can be synced from cron."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from poster_cli.cli import common
from poster_cli.cli.main import app
from tests.support.docserver import TOKEN, DocServer
from tests.support.env import clean_env
from tests.support.menus import base_menu

ODD = "ref;what;how much\nS-1;Сирники;120\nS-2;Борщ з пампушками;90\n"  # no column name we know


class MenuServer(DocServer):
    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/menu.getProducts"):
            return httpx.Response(200, json={"response": copy.deepcopy(base_menu()["products"])})
        return super().handle(request)


@pytest.fixture
def data(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    server = MenuServer()
    monkeypatch.setitem(common.TRANSPORT, "transport", server.transport)
    folder = clean_env(
        monkeypatch, tmp_path, POSTER_TOKEN=TOKEN, POSTER_API_URL="http://poster.test/api", POSTER_RATE_LIMIT="0"
    )
    (tmp_path / "site.csv").write_text(ODD, encoding="utf-8")
    return folder


COLUMNS = ["--id-col", "ref", "--name-col", "what", "--price-col", "how much"]


def test_sync_takes_the_column_flags_match_takes(data: Any) -> None:
    result = CliRunner().invoke(app, ["sync", "--catalogue", "site.csv", *COLUMNS, "--json"])
    assert result.exit_code == 3, result.stderr  # Борщ з пампушками needs a person
    report = json.loads(result.stdout)
    assert [(a["local_id"], a["product_id"]) for a in report["meta"]["auto_mapped"]] == [("S-1", 20)]
    assert report["unmatched"] == [{"local_id": "S-2", "local_name": "Борщ з пампушками"}]


def test_without_them_the_error_names_a_flag_sync_has(data: Any) -> None:
    result = CliRunner().invoke(app, ["sync", "--catalogue", "site.csv"])
    assert result.exit_code == 2
    assert "no id column" in result.stderr and "--id-col" in result.stderr
    help_text = CliRunner().invoke(app, ["sync", "--help"]).stdout
    assert all(flag in help_text for flag in ("--id-col", "--name-col", "--price-col", "--sheet", "--format"))
