"""axe-core in the browser tests: the rules of WCAG 2.1 AA (BITV 2.0), the violations only.

axe-core (the copy axe-playwright-python ships) is handed to a browser context once, as a
script run in every new document, rather than sent again for every page checked: at 570 KB,
sending it was a third of each check's time. A context keeps it for every page it opens.
"""

from pathlib import Path

import axe_playwright_python

AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")

# Only the violations come back: the passes, with every node they checked, would be most of
# what travels from the browser.
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def new_context(browser, **options):
    """A browser context whose every page has axe-core loaded."""
    context = browser.new_context(**options)
    context.add_init_script(script=AXE_SCRIPT)
    return context


def violations(page, *, targets=None):
    """What axe-core finds on ``page`` as it is now, one line per rule broken, naming at most
    ``targets`` of the elements that break it (all when None)."""
    results = page.evaluate("options => axe.run(document, options)", WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:targets]}"
        for v in results["violations"]
    ]
