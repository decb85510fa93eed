# ruff: noqa: F811  (pytest fixtures imported from ratings.tests.browser)
"""The project page in a real Chromium: the chain chart draws from the static ECharts,
and the page fits a 390 px phone."""

import pytest

from qinqing.projects import services
from qinqing.projects.tests.conftest import at
from qinqing.ratings.tests.browser import (  # noqa: F401  (fixtures)
    chromium,
    logged_in_context,
    needs_chromium,
    server,
)

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


def test_project_page_draws_the_chain_and_fits_a_phone(
    server,
    chromium,
    items,
    run_matter,
    make_project,
    handler,
    leader,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    project = make_project(permit_mode="three")
    for stage, matter in [
        ("establish", run_matter(items.establish, at(2026, 1, 5), at(2026, 1, 6), at(2026, 1, 8))),
        ("land", run_matter(items.land, at(2026, 1, 20), at(2026, 1, 21))),
    ]:
        services.link_matter(project, stage=stage, matter=matter, actor=handler)
    for user, width in ((handler, 1280), (leader, 390)):
        context = logged_in_context(
            chromium, server, user, viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        page.goto(f"{server.url}/projects/{project.pk}/")
        page.wait_for_selector("#chain-chart canvas")
        assert page.locator("text=土方开挖和基坑支护").count() >= 1
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{width}px page scrolls sideways by {overflow}px"
        context.close()
