"""Issue 13 item 6: a command's report goes to stdout; piped, every table is plain text the same way
(a header line, then tab-separated rows), never boxes."""

from __future__ import annotations

from typing import Any

import pytest
import tomli_w

BOX = set("─│┃━┏┓┗┛┡┩╇╈┼├┤┬┴╭╮╯╰")
MAPPING = {
    "version": 1,
    "items": [
        {"local_id": "ESP", "local_name": "Espresso", "status": "confirmed", "product_id": 101, "score": 97.0},
        {"local_id": "X-1", "local_name": "Mystery", "status": "unmatched"},
    ],
}


@pytest.fixture
def env(cli_env: Any) -> Any:
    assert cli_env.run("pull").exit_code == 0
    (cli_env.data_dir / "mapping.toml").write_text(tomli_w.dumps(MAPPING), encoding="utf-8")
    return cli_env


def plain_rows(stdout: str) -> list[list[str]]:
    assert not BOX & set(stdout), stdout
    return [line.split("\t") for line in stdout.splitlines()]


def test_doctor_report_goes_to_stdout(env: Any) -> None:
    r = env.run("doctor")
    assert r.exit_code == 0, r.stderr
    names = [line.split(":")[0].split()[-1] for line in r.stdout.splitlines()]
    assert names == ["token", "api", "spots", "currency", "dir"]
    assert "token:" not in r.stderr


def test_pull_piped_is_tab_separated(env: Any) -> None:
    r = env.run("pull")
    rows = plain_rows(r.stdout)
    assert rows[0] == ["category", "items"]
    assert all(len(row) == 2 and row[1].isdigit() for row in rows[1:]) and len(rows) > 2


def test_mapping_show_piped_is_tab_separated(env: Any) -> None:
    r = env.run("mapping", "show")
    assert r.exit_code == 0, r.stderr
    rows = plain_rows(r.stdout)
    assert rows[0] == ["local id", "site name", "status", "product", "modification", "Poster name", "score"]
    assert rows[1][:4] == ["ESP", "Espresso", "confirmed", "101"] and rows[1][6] == "97"
    assert rows[2][:3] == ["X-1", "Mystery", "unmatched"]


def test_order_list_piped_is_tab_separated(env: Any) -> None:
    sent = env.run("order", "send", "-i", "ESP", "--phone", "+380501234567", "--order-id", "T-1", "--yes")
    assert sent.exit_code == 0, sent.stderr
    r = env.run("order", "list", "--no-refresh")
    rows = plain_rows(r.stdout)
    assert rows[0] == ["order", "state", "poster #", "total", "created (UTC)", "reason"]
    assert rows[1][:2] == ["T-1", "sent"] and rows[1][2].isdigit()


def test_menu_show_keeps_its_tab_separated_form(env: Any) -> None:
    rows = plain_rows(env.run("menu", "show").stdout)
    assert rows[0][:4] == ["id", "name", "category", "type"]
