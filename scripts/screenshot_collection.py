"""docs/chat-collection.png: the chat over a collection (the Mali report and Freedonia), with the
document picker set to Freedonia, one answer and its Sources open.

    .venv/bin/python scripts/screenshot_collection.py [--out docs/chat-collection.png]

Builds the collection in a temporary directory (its own cache too), starts `reportqa serve
--collection` on a free loopback port, drives Debian's Chromium (/usr/bin/chromium) with
Playwright, and stops the server. Offline, like everything else.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = (ROOT / "data" / "amnesty-mali-2024.txt", ROOT / "eval" / "gold" / "docs" / "freedonia-2024.txt")
PICK = "The State of the World's Human Rights; Freedonia 2024"
QUESTION = "Which newspaper was shut down in February?"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "chat-collection.png")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="reportqa-shot-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "REPORTQA_CACHE": str(tmp / "cache"), "HF_HUB_OFFLINE": "1",
               "GRADIO_ANALYTICS_ENABLED": "False"}
        collection = tmp / "collection"
        subprocess.run([sys.executable, "-m", "ui.cli", "index", *map(str, DOCUMENTS), "--collection", str(collection)],
                       cwd=ROOT, env=env, check=True)
        port = free_port()
        log = (tmp / "serve.log").open("wb")
        server = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--port", str(port), "--collection",
                                   str(collection), "--feedback-log", str(tmp / "feedback.jsonl")],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 240
            while True:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"reportqa serve did not start:\n{(tmp / 'serve.log').read_text()[-2000:]}")
                try:
                    if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.3)
            shoot(base + "/chat/", args.out, args.chromium)
        finally:
            server.terminate()
            server.wait(timeout=15)
    print(f"wrote {args.out}")
    return 0


def shoot(url: str, out: Path, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        page.goto(url, wait_until="load")
        page.locator("#rqa-documents").get_by_role("combobox").click()  # the document picker
        page.get_by_role("option", name=PICK).click()
        page.keyboard.press("Escape")
        box = page.locator("#rqa-question textarea")
        box.fill(QUESTION)
        box.press("Enter")
        chat = page.locator("#rqa-chat")
        sources = chat.get_by_text(re.compile(r"^Sources \(\d+\)")).last
        sources.wait_for()  # the answer has finished streaming
        sources.click()
        chat.locator("mark").first.wait_for(state="visible")
        page.locator("#rqa-question textarea").click()  # focus away from the accordion
        page.wait_for_timeout(800)  # let the chat scroll to the end
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
