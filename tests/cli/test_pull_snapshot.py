"""`pull` keeps Poster's answers byte for byte in the snapshot, and stays light on a big menu."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from poster_cli.cli import common
from poster_cli.cli.main import app
from poster_cli.errors import InputFileError
from poster_cli.menu import MenuSnapshot, load_snapshot
from tests.support.docserver import TOKEN, DocServer
from tests.support.paths import ROOT

# Written as a server might: escaped Cyrillic, a price with a decimal point, its own spacing.
PRODUCTS = (
    '[ {"product_id":"7","product_name":"\\u041b\\u0430\\u0442\\u0435","category_name":"\\u041a\\u0430\\u0432\\u0430",'
    '"menu_category_id":"2","type":"3","hidden":"0","spots":[{"spot_id":"1","price":"5500.00","visible":"1"}]} ]'
)


class WrittenAnswers(DocServer):
    """The docs' answers, but ``menu.getProducts`` as the text above (and, when asked, with one
    more top-level key, a shape whose ``response`` cannot be cut out as it is)."""

    extra_key = False
    products = PRODUCTS

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/menu.getProducts") and request.url.params.get("token") == self.token:
            self.calls.append("menu.getProducts")
            tail = ', "count": 1}' if self.extra_key else "}"
            return httpx.Response(200, content=('{"response": ' + self.products + tail).encode("utf-8"))
        return super().handle(request)


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WrittenAnswers:
    answers = WrittenAnswers()
    monkeypatch.setitem(common.TRANSPORT, "transport", answers.transport)
    for var in list(os.environ):
        if var.startswith("POSTER"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("POSTER_TOKEN", TOKEN)
    monkeypatch.setenv("POSTER_API_URL", "http://poster.test/api")
    monkeypatch.setenv("POSTER_CLI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POSTER_CLI_TTY", "0")
    monkeypatch.chdir(tmp_path)
    return answers


def test_the_snapshot_holds_the_products_exactly_as_poster_wrote_them(server: WrittenAnswers, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["pull", "--json"])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "data" / "menu.json").read_bytes()
    assert PRODUCTS.encode("utf-8") in written  # not decoded and encoded again
    snapshot = load_snapshot(tmp_path / "data" / "menu.json")
    assert [(p.name, p.price_at(1)) for p in snapshot.products.values()] == [("Лате", 5500)]
    assert snapshot.raw["currency"]["currency_code_iso"] == "RUB"  # the other answers are there too


def test_an_answer_with_other_keys_is_still_kept_whole(server: WrittenAnswers, tmp_path: Path) -> None:
    server.extra_key = True
    result = CliRunner().invoke(app, ["pull", "--json"])
    assert result.exit_code == 0, result.output
    snapshot = load_snapshot(tmp_path / "data" / "menu.json")
    assert [(p.name, p.price_at(1)) for p in snapshot.products.values()] == [("Лате", 5500)]
    assert snapshot.raw["products"][0]["spots"][0]["price"] == "5500.00"


def test_a_snapshot_does_not_spell_out_its_menu_when_shown() -> None:
    # asyncio writes the repr of a finished task's result when a command's event loop closes: a
    # whole menu there cost a quarter of a second on 10,000 products
    products = [{"product_id": str(i), "product_name": f"Позиція {i}"} for i in range(2000)]
    text = repr(MenuSnapshot(raw={"products": products}))
    assert len(text) < 200 and "2000" in text


def test_pull_loads_no_terminal_library_it_does_not_use(sandbox_server: Any, tmp_path: Path) -> None:
    """`pull --json` prints no table: rich, click and pygments (which httpx's own command-line client
    imports) stay out of its start-up."""
    code = (
        "import sys\n"
        "from poster_cli.cli.main import run\n"
        "sys.argv = ['poster-cli', 'pull', '--json']\n"
        "try:\n    run()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "sys.stderr.write(repr(sorted(m for m in ('rich', 'click', 'pygments') if m in sys.modules)))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER")}
    env.update(
        POSTER_TOKEN=sandbox_server.token,
        POSTER_API_URL=sandbox_server.api_url,
        POSTER_CLI_DATA_DIR=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["products"] > 0
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_the_cycle_collector_is_on_again_after_reading_a_snapshot(tmp_path: Path) -> None:
    import gc

    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text('{"products": [{"product_id": "7", "product_name": "Лате"}]}', encoding="utf-8")
    bad.write_text('{"products": [{"product_name": "no id"}]}', encoding="utf-8")
    assert [p.name for p in load_snapshot(good).products.values()] == ["Лате"]
    assert gc.isenabled()
    with pytest.raises(InputFileError):
        load_snapshot(bad)
    assert gc.isenabled()


@pytest.mark.parametrize(
    "products, named",
    [
        ('[{"product_name": "no id", "spots": []}]', "product_id"),
        ('["a product as text"]', "product"),
        ('[{"product_id": "7", "spots": 5}]', "spots"),
        ('[{"product_id": "7", "spots": [{"spot_id": "x1", "price": "100"}]}]', "x1"),
        ('[{"product_id": "7", "modifications": [{"modificator_name": "no id"}]}]', "modificator_id"),
        ('{"7": {"product_id": "7"}}', "list"),
    ],
    ids=["no id", "not an object", "spots a number", "spot id not a number", "modification without id", "an object"],
)
def test_a_menu_poster_sent_in_an_unknown_shape_is_one_line_and_nothing_is_written(
    server: WrittenAnswers, tmp_path: Path, products: str, named: str
) -> None:
    server.products = products
    result = CliRunner().invoke(app, ["pull", "--json"])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "unexpected answer shape" in lines[0] and named in lines[0], lines
    assert "Traceback" not in result.output and TOKEN not in result.output
    assert not (tmp_path / "data" / "menu.json").exists()


def test_the_cycle_collector_is_on_again_after_a_pull(server: WrittenAnswers) -> None:
    import gc

    result = CliRunner().invoke(app, ["pull", "--json"])
    assert result.exit_code == 0, result.output
    assert gc.isenabled()
    server.products = '[{"product_name": "no id"}]'
    assert CliRunner().invoke(app, ["pull", "--json"]).exit_code == 1
    assert gc.isenabled()
