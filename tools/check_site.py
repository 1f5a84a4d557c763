"""Open every page of the built site in headless Chromium and report what a reader would see broken.

``python -m tools.check_site [site]`` serves the folder on 127.0.0.1, loads each
page in Debian's Chromium through Selenium and its chromedriver, and checks:
the page loads, every image has been decoded (figures show), MathJax has
typeset the formulas without errors, and the browser console has no errors.
Every page of the site is checked (``index.html``, ``chapters/NN_name/*.html``,
the glossary, ...; not MathJax's own files), and every relative link of every
page must point to a file of the site (``tools.html.broken_links``).
Exit status 1 lists the problems.
"""

import functools
import http.server
import shutil
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Flags for a sandboxed machine without network: no first-run, sync or update traffic.
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--window-size=1280,900"]


def browser_available():
    return bool(shutil.which(CHROMIUM) or Path(CHROMIUM).exists()) and Path(CHROMEDRIVER).exists()


@contextmanager
def serve(folder):
    """Serve ``folder`` on a free port of 127.0.0.1 for the duration of the block."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


TYPESET = """
const done = arguments[arguments.length - 1];
if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(() => done(true)); } else { done(false); }
"""
INSPECT = """
const images = Array.from(document.images);
return {
  ready: document.readyState,
  images: images.length,
  broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 100)),
  typeset: document.querySelectorAll('.MathJax, .MathJax_Display, .MathJax_Preview + script').length,
  math_errors: document.querySelectorAll('.MathJax_Error, merror, .MathJax .merror').length,
  text: document.body.innerText.length,
};
"""


def check_page(driver, url):
    """Facts about one page and a list of problems found on it."""
    driver.get(url)
    mathjax = driver.execute_async_script(TYPESET)
    facts = driver.execute_script(INSPECT)
    facts["mathjax"] = mathjax
    problems = []
    if facts["ready"] != "complete":
        problems.append(f"document not loaded ({facts['ready']})")
    if facts["text"] < 200:
        problems.append(f"almost no text ({facts['text']} characters)")
    if facts["broken"]:
        problems.append(f"{len(facts['broken'])} images did not load: {facts['broken'][:3]}")
    if not mathjax:
        problems.append("MathJax did not load")
    if facts["math_errors"]:
        problems.append(f"{facts['math_errors']} formulas failed to typeset")
    for entry in driver.get_log("browser"):
        if entry["level"] in ("SEVERE", "ERROR"):
            problems.append(f"console: {entry['message'][:200]}")
    return facts, problems


def pages_of(site):
    """The site's pages, as paths relative to ``site`` ('index.html', 'chapters/01_x/02_y.html', ...)."""
    site = Path(site)
    return sorted(page.relative_to(site).as_posix() for page in site.rglob("*.html")
                  if "mathjax" not in page.relative_to(site).parts)


def check(site):
    """{page (path relative to ``site``): (facts, problems)} for every page of ``site``."""
    from tools.html import broken_links

    site = Path(site)
    pages = pages_of(site)
    if not pages:
        raise FileNotFoundError(f"no .html pages in {site}: run make html first")
    results = {}
    with serve(site) as base, chromium() as driver:
        for page in pages:
            results[page] = check_page(driver, f"{base}/{page}")
    for page, link in broken_links(site):
        results[page][1].append(f"broken link: {link}")
    return results


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    site = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "site"
    if not browser_available():
        sys.exit(f"Chromium and chromedriver are needed ({CHROMIUM}, {CHROMEDRIVER}): "
                 "apt-get install chromium chromium-driver")
    failed = False
    for name, (facts, problems) in check(site).items():
        status = "ok" if not problems else "PROBLEMS"
        print(f"{name}: {status} ({facts['images']} images, {facts['typeset']} formulas)")
        for problem in problems:
            print(f"    {problem}")
        failed = failed or bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
