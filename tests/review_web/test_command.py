"""`poster-cli review --web` and `match --web` as a user runs them: a real process on a loopback
port that prints a one-time link, takes decisions, and stops on Ctrl-C with match's exit codes."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

import httpx

from poster_cli.serving import bind
from tests.support.grill import PAIR_LINE, grill
from tests.support.review import CATALOGUE, ROOT, prepare


def test_review_without_web_says_what_to_pass(cli_env: Any) -> None:
    result = cli_env.run("review")
    assert result.exit_code == 2
    assert "--web" in result.stderr and "Traceback" not in result.stderr


def test_the_help_says_how_to_expose_the_page_safely(cli_env: Any) -> None:
    text = " ".join(cli_env.run("review", "--help").stdout.split())
    assert "127.0.0.1" in text and "SSH tunnel" in text and "TLS" in text
    assert "--web" in " ".join(cli_env.run("match", "--help").stdout.split())


def start(cli_env: Any, *args: str) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER_")}
    env.update({k: v for k, v in cli_env.env.items() if v is not None})
    env["POSTER_API_URL"] = "http://127.0.0.1:9/api"  # nothing here talks to Poster
    proc = subprocess.Popen(
        [sys.executable, "-m", "poster_cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if line.startswith("http://"):
                return proc, line.strip()
        if proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"no link printed: {proc.communicate(timeout=10)}")


def stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    return proc.returncode, err


def entries(path: Path) -> dict[str, dict[str, Any]]:
    with open(path, "rb") as fh:
        return {str(i["local_id"]): i for i in tomllib.load(fh)["items"]}


def test_review_web_serves_a_one_time_link_and_stops_on_ctrl_c(cli_env: Any) -> None:
    prepare(cli_env)
    proc, url = start(cli_env, "review", "--web", "--catalogue", str(CATALOGUE))
    try:
        assert url.startswith("http://127.0.0.1:") and "/?key=" in url
        base = url.split("/?", 1)[0]
        with httpx.Client(base_url=base, timeout=10) as stranger:
            assert stranger.get("/api/items").status_code == 401
        with httpx.Client(timeout=10, follow_redirects=True) as browser:
            assert browser.get(url).status_code == 200
            item = browser.get(f"{base}/api/item", params={"id": "PSL"}).json()["item"]
            answer = browser.post(f"{base}/api/decide", json={"local_id": "PSL", "action": "none", "tag": item["tag"]})
            assert answer.status_code == 200
    finally:
        code, err = stop(proc)
    assert entries(cli_env.data_dir / "mapping.toml")["PSL"]["status"] == "ignored"
    assert code == 3, err  # five items still wait for a decision
    assert "5 site items are unmatched" in err and url.split("key=")[1] not in err


def test_match_web_reviews_in_the_browser_and_exits_0_when_all_is_decided(cli_env: Any) -> None:
    assert cli_env.run("pull").exit_code == 0
    proc, url = start(cli_env, "match", str(CATALOGUE), "--web")
    try:
        base = url.split("/?", 1)[0]
        with httpx.Client(timeout=10, follow_redirects=True) as browser:
            assert browser.get(url).status_code == 200
            waiting = browser.get(f"{base}/api/items", params={"status": "unmatched"}).json()["items"]
            assert len(waiting) == 6
            for item in waiting:
                body = {"local_id": item["local_id"], "action": "none", "tag": item["tag"]}
                assert browser.post(f"{base}/api/decide", json=body).status_code == 200
    finally:
        code, err = stop(proc)
    assert code == 0, err
    statuses = {e["status"] for e in entries(cli_env.data_dir / "mapping.toml").values()}
    assert statuses == {"auto", "ignored"}


def test_review_web_of_the_mapping_alone_in_this_process(cli_env: Any) -> None:
    """Without --catalogue the items are the mapping's. Run in this process (the other tests run
    a child): a helper thread waits until the page answers, then presses Ctrl-C (SIGINT to this
    process, which the server catches while it runs)."""
    prepare(cli_env)
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    answered: list[int] = []

    def press_ctrl_c_when_up() -> None:
        deadline = time.monotonic() + 30
        with httpx.Client(timeout=2) as client:
            while time.monotonic() < deadline and not answered:
                try:
                    answered.append(client.get(f"http://127.0.0.1:{port}/api/items").status_code)
                except httpx.TransportError:
                    time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)

    helper = threading.Thread(target=press_ctrl_c_when_up)
    helper.start()
    try:
        result = cli_env.run("review", "--web", "--port", str(port), "--host", "localhost")
    finally:
        helper.join(timeout=60)
    assert answered == [401]
    assert result.exit_code == 3, result.stderr
    link = result.stdout.strip()
    assert link.startswith(f"http://localhost:{port}/?key=") and len(link.split("key=")[1]) >= 32
    assert "81 site items, 6 waiting for a decision" in result.stderr
    assert "6 site items are unmatched" in result.stderr and link not in result.stderr


def review_grill(cli_env: Any) -> tuple[subprocess.Popen[str], str, httpx.Client]:
    menu = cli_env.data_dir / "grill.json"
    menu.parent.mkdir(parents=True, exist_ok=True)
    menu.write_text(json.dumps(grill(), ensure_ascii=False), encoding="utf-8")
    site = cli_env.data_dir / "site.csv"
    site.write_text("id;name;price\nP;Pork mtsvadi on vine twigs;320\nV;Veal mtsvadi on vine twigs;320\n", "utf-8")
    proc, url = start(
        cli_env, "review", "--web", "--catalogue", str(site), "--menu", str(menu), "--spot", "1", "--review", "30"
    )
    browser = httpx.Client(timeout=10, follow_redirects=True)
    assert browser.get(url).status_code == 200
    return proc, url.split("/?", 1)[0], browser


def shown(browser: httpx.Client, base: str, local_id: str) -> dict[str, Any]:
    item: dict[str, Any] = browser.get(f"{base}/api/item", params={"id": local_id}).json()["item"]
    return item


def first_candidate(browser: httpx.Client, base: str, local_id: str) -> dict[str, Any]:
    item = shown(browser, base, local_id)
    return dict(item["candidates"][0], tag=item["tag"])


def test_a_link_on_the_page_ranks_the_rest_at_once_and_is_kept_in_the_aliases_file(cli_env: Any) -> None:
    proc, base, browser = review_grill(cli_env)
    try:
        before = shown(browser, base, "V")["candidates"]
        assert all(c["score"] < 80 for c in before)  # "vine twigs" means nothing yet
        pork = first_candidate(browser, base, "P")
        assert pork["key"][:2] == [3, 31]
        body = {"local_id": "P", "action": "choose", "tag": pork["tag"], "candidate": pork["key"]}
        assert browser.post(f"{base}/api/decide", json=body).status_code == 200
        veal = first_candidate(browser, base, "V")
        assert veal["key"][:2] == [3, 32] and veal["score"] >= 80
    finally:
        browser.close()
        code, err = stop(proc)
    assert code == 3, err  # V still waits for a decision
    assert PAIR_LINE in (cli_env.data_dir / "aliases.toml").read_text(encoding="utf-8")


def test_the_page_ranks_with_the_words_of_the_aliases_file(cli_env: Any) -> None:
    (cli_env.data_dir).mkdir(parents=True, exist_ok=True)
    (cli_env.data_dir / "aliases.toml").write_text(f"[words]\n{PAIR_LINE}\n", encoding="utf-8")
    proc, base, browser = review_grill(cli_env)
    try:
        veal = first_candidate(browser, base, "V")
    finally:
        browser.close()
        stop(proc)
    assert veal["key"][:2] == [3, 32] and veal["score"] >= 80


def test_review_reads_a_catalogue_with_the_column_flags_match_takes(cli_env: Any) -> None:
    menu = cli_env.data_dir / "grill.json"
    menu.parent.mkdir(parents=True, exist_ok=True)
    menu.write_text(json.dumps(grill(), ensure_ascii=False), encoding="utf-8")
    site = cli_env.data_dir / "odd.csv"
    site.write_text("ref;what\nP;Pork mtsvadi on vine twigs\nC;Chicken shashlik\n", encoding="utf-8")
    flags = ["--catalogue", str(site), "--menu", str(menu), "--spot", "1", "--id-col", "ref", "--name-col", "what"]
    proc, url = start(cli_env, "review", "--web", *flags)
    try:
        with httpx.Client(timeout=10, follow_redirects=True) as browser:
            assert browser.get(url).status_code == 200
            items = browser.get(url.split("/?", 1)[0] + "/api/items").json()["items"]
    finally:
        stop(proc)
    assert [(i["local_id"], i["name"]) for i in items] == [
        ("P", "Pork mtsvadi on vine twigs"),
        ("C", "Chicken shashlik"),
    ]
