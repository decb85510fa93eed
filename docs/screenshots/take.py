"""Take the README's screenshots from a running demo (make run, or manage.py runserver
after seed_demo), as the role that uses each screen, with Debian's Chromium:

    .venv/bin/python docs/screenshots/take.py http://127.0.0.1:8000
"""

import datetime as dt
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "Demo@2026qq"  # noqa: S105 (the demo's published password)
HERE = Path(__file__).resolve().parent
# file name, demo account, path
SHOTS = [
    ("cockpit", "leader", "/analytics/cockpit/"),
    ("ledger", "supervisor", "/appeals/ledger/"),
    ("worklist", "handler", "/appeals/worklist/"),
    ("enterprise-appeals", "enterprise", "/appeals/mine/"),
    ("enterprise-policies", "enterprise", "/policies/mine/"),
    ("ratings", "supervisor", "/ratings/figures/"),
    ("hotspots", "leader", "/analytics/intel/hotspots/"),
    ("assessment", "leader", "/assessment/?year={year}&month={month}"),
    ("projects", "leader", "/projects/figures/"),
    ("tasklist", "leader", "/tasklist/"),
]


def main(base: str) -> None:
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            # --lang: native date inputs follow the browser's own language (年/月/日 needs
            # Debian's chromium-l10n), not the page's locale
            args=["--no-sandbox", "--disable-gpu", "--lang=zh-CN"],
        )
        for name, username, path in SHOTS:
            context = browser.new_context(
                locale="zh-CN", viewport={"width": 1280, "height": 860}, device_scale_factor=1
            )
            page = context.new_page()
            page.goto(f"{base}/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_load_state("networkidle")
            page.goto(f"{base}{path.format(year=last_month.year, month=last_month.month)}")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(800)  # charts finish their animation
            page.screenshot(path=str(HERE / f"{name}.png"))
            context.close()
            print(name, (HERE / f"{name}.png").stat().st_size // 1024, "KB")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
