"""Issue 13 item 8: batch output names each bad row once, in file order; the summary lists each sent
order with its Poster number; "N valid orders will be sent" counts what will really be sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomli_w

MAPPING = {
    "version": 1,
    "items": [{"local_id": "ESP", "local_name": "Espresso", "status": "confirmed", "product_id": 101}],
}
FAST = {"POSTER_CLI_LOOKUP_DELAYS": "0,0", "POSTER_RATE_LIMIT": "0"}
FILE = (
    "order_id,phone,item,count\n"
    "O-1,+380501234561,ESP,1\n"  # line 2
    "O-2,+380501234562,Expresso,1\n"  # line 3: unknown item (found when the order is built)
    "O-3,+380501234563,ESP,1\n"  # line 4
    "O-4,+380501234564,ESP,many\n"  # line 5: a bad count (found when the file is read)
    "O-5,+380501234565,ESP,2\n"  # line 6
)


@pytest.fixture
def env(cli_env: Any) -> Any:
    assert cli_env.run("pull").exit_code == 0
    (cli_env.data_dir / "mapping.toml").write_text(tomli_w.dumps(MAPPING), encoding="utf-8")
    return cli_env


def poster_number(env: Any, order_id: str) -> int:
    found = [o for o in env.sandbox.state.doc["orders"] if o["comment"] == f"Site order #{order_id}"]
    assert len(found) == 1
    return int(found[0]["incoming_order_id"])


def test_bad_rows_once_in_file_order_and_sent_orders_with_their_poster_number(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    f.write_text(FILE, encoding="utf-8")
    r = env.run("order", "batch", str(f), "--yes", env=FAST)
    assert r.exit_code == 3, r.stderr
    everything = r.stdout + r.stderr
    assert everything.count("Expresso") == 1 and everything.count("many") == 1
    assert everything.index("orders.csv:3") < everything.index("orders.csv:5")
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert rows[0] == ["result", "order", "poster #", "reason"]
    sent = [row for row in rows if row[0] == "sent"]
    assert [(row[1], row[2]) for row in sent] == [(i, f"#{poster_number(env, i)}") for i in ("O-1", "O-3", "O-5")]
    assert [row[1] for row in rows if row[0] == "failed"] == ["O-2", "O-4"]


def test_the_will_be_sent_count_leaves_out_orders_already_sent(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    f.write_text(FILE, encoding="utf-8")
    assert env.run("order", "batch", str(f), "--yes", env=FAST).exit_code == 3
    f.write_text(FILE + "O-6,+380501234566,ESP,1\n", encoding="utf-8")
    r = env.run("order", "batch", str(f), "--yes", env=FAST)
    assert "2 order(s) invalid; 1 valid order(s) will be sent." in r.stderr
    assert [line.split("\t")[:2] for line in r.stdout.splitlines() if line.startswith("sent")] == [["sent", "O-6"]]
