"""Check the built site: every internal link resolves, and every page works in headless Chromium.

``python -m tools.check_site [site] [--solutions]`` first reads every page's HTML (no browser
needed, :func:`link_problems`): each link to a page, anchor, figure, script or style sheet of the
site (``href``/``src`` that is not an external URL) must name a file that exists, and its
``#anchor`` an ``id`` of that page. Then it serves the folder on 127.0.0.1, loads
every page (the site of tools/site.py) in Debian's Chromium through Selenium and its
chromedriver, and checks: the page loads, every figure has been decoded, MathJax (offline)
has typeset every formula without errors, the browser console has no errors, no solution
cell is shown (unless --solutions, the teacher's edition), and on each section page the
launch links (Binder, Colab, JupyterHub when configured) open that section's notebook in
the repository of pyproject.toml and the .ipynb and .py downloads are offered. Then the
search page must find, offline, a page of each chapter for a word of the chapter's title,
and the glossary for a Japanese and a Chinese term (whole and in part).
Exit status 1 lists the problems.
"""

import functools
import html.parser
import http.server
import posixpath
import re
import shutil
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

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
    driver.set_script_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


# MathJax 3 (sphinx-mathjax-offline): on a page with formulas, wait until the deferred script has
# typeset every one; it may start after the load event, and in CI, beside nbval, many seconds later
# (up to 80 s). True when every formula is typeset (or, at the time limit, when MathJax ran), None when
# the page has no formulas, false when MathJax never appeared.
TYPESET = """
const done = arguments[arguments.length - 1];
const start = Date.now();
(function wait() {
  const math = document.querySelectorAll('article .math').length;
  const typeset = document.querySelectorAll('mjx-container').length;
  if (document.readyState !== 'complete') { setTimeout(wait, 50); }
  else if (!math) { done(null); }
  else if (typeset >= math) { done(true); }   // every formula typeset: MathJax ran
  else if (Date.now() - start > 80000) { done(Boolean(window.MathJax && MathJax.startup)); }
  else { setTimeout(wait, 50); }
})();
"""
INSPECT = """
const images = Array.from(document.querySelectorAll('article img, .bd-article img'));
const hrefs = sel => Array.from(document.querySelectorAll(sel)).map(a => a.href);
return {
  ready: document.readyState,
  images: images.length,
  broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 100)),
  math: document.querySelectorAll('article .math').length,
  typeset: document.querySelectorAll('mjx-container').length,
  math_errors: document.querySelectorAll('mjx-merror').length,
  text: document.body.innerText.length,
  launch: hrefs('a[href*="mybinder.org"], a[href*="colab.research.google.com"], a[href*="/hub/user-redirect/"]'),
  downloads: hrefs('a[href*="_sources/"]'),
  toggles: document.querySelectorAll('details.hide-input, .tag_hide-input details').length,
  solutions: document.querySelectorAll('.tag_solution').length,
};
"""
SEARCH = """
const done = arguments[arguments.length - 1];
const start = Date.now();
(function poll() {
  const items = Array.from(document.querySelectorAll('#search-results ul.search li'));
  const summaries = items.map(li => li.querySelector('p.context')).filter(p => p);
  // Wait for results (a summary can show before them), up to 20 s: a query that finds nothing costs
  // 20 s. Once there are results, wait until each shows its text summary (fetched from its page), or
  // until 10 s have passed since the search page opened.
  const waited = Date.now() - start;
  if ((items.length && summaries.length === items.length) || (items.length && waited > 10000) || waited > 20000) {
    done({links: items.map(li => li.querySelector('a').href), summaries: summaries.map(p => p.textContent)});
  } else {
    setTimeout(poll, 100);
  }
})();
"""
# LaTeX left in a search summary: a command (\eta, \frac) or a formula's delimiter (\( \[).
RAW_LATEX = re.compile(r"\\(?:[A-Za-z]+|[(\[\])])")


def launch_problems(links, page, repository, branch):
    """Problems with the launch links of a section page: each provider present, each opens this notebook."""
    owner_name = repository.removeprefix("https://github.com/")
    notebook = f"chapters/{page.removesuffix('.html')}.ipynb"
    expected = {
        "Binder": f"https://mybinder.org/v2/gh/{owner_name}/{branch}?urlpath=lab/tree/{notebook}",
        "Colab": f"https://colab.research.google.com/github/{owner_name}/blob/{branch}/{notebook}",
    }
    problems = [f"{name} link missing or malformed (expected {url})"
                for name, url in expected.items() if url not in links]
    for link in links:
        if "/hub/user-redirect/git-pull?" in link and f"repo={repository}" not in link.replace("%3A", ":").replace(
                "%2F", "/"):
            problems.append(f"JupyterHub link does not pull {repository}: {link}")
    return problems


def check_page(driver, url, page, settings):
    """Facts about one page and a list of problems found on it (``page``: its path in the site)."""
    driver.get(url)
    mathjax = driver.execute_async_script(TYPESET)
    facts = driver.execute_script(INSPECT)
    if facts["math"] and not mathjax:   # the formulas were not on the page at the first look: look again
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
    if facts["math"] and not mathjax:
        problems.append(f"{facts['math']} formulas but MathJax did not load")
    if facts["math"] and facts["typeset"] < facts["math"]:
        problems.append(f"{facts['math']} formulas, only {facts['typeset']} typeset")
    if facts["math_errors"]:
        problems.append(f"{facts['math_errors']} formulas failed to typeset")
    if facts["solutions"] and not settings.get("solutions"):
        problems.append(f"{facts['solutions']} solution cells on the public site")
    if is_section(page):
        problems += launch_problems(facts["launch"], page, settings["repository"], settings["branch"])
        for suffix in (".ipynb", ".py"):
            if not any(link.endswith(page.replace(".html", suffix)) for link in facts["downloads"]):
                problems.append(f"no {suffix} download link")
    for entry in driver.get_log("browser"):
        if entry["level"] in ("SEVERE", "ERROR"):
            problems.append(f"console: {entry['message'][:200]}")
    return facts, problems


def is_section(page):
    """'chapters/01_x/02_y.html' is a section page (not an overview)."""
    parts = Path(page).parts
    return len(parts) == 3 and parts[0] == "chapters" and parts[2][:2].isdigit() and parts[2][:2] != "00"


def search_terms(site):
    """[(query, page the results must include)]: a word of each chapter's title (a page of that chapter
    must come up), and the Japanese and Chinese names of the glossary's first term, whole and in part."""
    site = Path(site)
    terms = []
    for overview in sorted(site.glob("chapters/[0-9][0-9]_*/00_overview.html")):
        heading = re.search(r"<h1>(.*?)<", overview.read_text(), re.S).group(1)
        words = [w for w in re.findall(r"[A-Za-z]+", heading) if w.lower() not in ("chapter", "the", "and")]
        terms.append((max(words, key=len), overview.parent.relative_to(site).as_posix() + "/"))
    glossary = site / "chapters" / "glossary.html"
    if glossary.exists():
        row = re.search(r"<tr[^>]*>\s*<td[^>]*>.*?</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>",
                        glossary.read_text().split("<tbody>", 1)[-1], re.S)
        for cell in row.groups() if row else ():
            run = max(re.findall(r"[\u3040-\u30ff\u3400-\u9fff]+", cell), key=len, default="")
            if run:
                terms += [(run, "chapters/glossary.html"), (run[-2:], "chapters/glossary.html")]
    return terms


def check_search(driver, base, site):
    """{query: problem or None}: the search page finds the expected page for each query, and no
    result's summary shows LaTeX source (book/_static/search_math.js turns formulas into text)."""
    results = {}
    for query, expected in search_terms(site):
        driver.get(f"{base}/search.html?q={quote(query)}")
        found = driver.execute_async_script(SEARCH)
        links, latex = found["links"], [text for text in found["summaries"] if RAW_LATEX.search(text)]
        if not any(expected in link for link in links):
            results[query] = f"search for {query!r}: {len(links)} results, none in {expected}"
        elif latex:
            results[query] = (f"search for {query!r}: {len(latex)} summaries show LaTeX source, e.g. "
                              f"{RAW_LATEX.search(latex[0]).group()!r} in {latex[0][:120]!r}")
        else:
            results[query] = None
    return results


SKIP = {"_static", "_sources", "_images", "_downloads"}  # folders of the site that hold no pages


def pages_of(site):
    return sorted(p.relative_to(site).as_posix() for p in Path(site).rglob("*.html")
                  if not SKIP & set(p.relative_to(site).parts) and p.name not in ("search.html", "genindex.html"))


class LinkParser(html.parser.HTMLParser):
    """The ids of a page, and its links: the href or src of every a, area, img, link and script."""

    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in ("href", "src") and value is not None and tag in ("a", "img", "link", "script", "area"):
                self.links.append(value)


def parse(path):
    parser = LinkParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def link_problems(site):
    """Every internal link of every .html page of ``site`` that points at no file, or at no anchor of its page:
    a list of "page: link (why)", empty when all links resolve. External URLs (a scheme or ``//``) are skipped."""
    site = Path(site).resolve()
    parsed = {}

    def page(path):
        if path not in parsed:
            parsed[path] = parse(path)
        return parsed[path]

    # Not the pages of _static (the theme's template fragments) nor _sources (copies of sources).
    sources = [path for path in sorted(site.rglob("*.html")) if not SKIP & set(path.relative_to(site).parts)]
    if not sources:
        raise FileNotFoundError(f"no .html pages in {site}: run make html first")
    problems = []
    for source in sources:
        name = source.relative_to(site).as_posix()
        for link in page(source).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not (parts.path or parts.fragment):
                continue
            if parts.path:
                target_name = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
                target = site / target_name
                if parts.path.endswith("/") or target.is_dir():
                    target = target / "index.html"
                if target_name.startswith("..") or not target.is_file():
                    problems.append(f"{name}: {link} (no such file in the site)")
                    continue
            else:
                target = source
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in page(target).ids:
                problems.append(f"{name}: {link} (no anchor #{fragment} in {target.relative_to(site).as_posix()})")
    return problems


def check(site, settings=None):
    """{page: (facts, problems)} for every page of ``site``, and {query: problem} for the search."""
    from tools.site import settings as site_settings

    site = Path(site)
    settings = settings or site_settings()
    pages = pages_of(site)
    if not pages:
        raise FileNotFoundError(f"no .html pages in {site}: run make html first")
    results = {}
    with serve(site) as base, chromium() as driver:
        for page in pages:
            results[page] = check_page(driver, f"{base}/{page}", page, settings)
        search = check_search(driver, base, site)
        driver.get_log("browser")
    return results, search


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    solutions = "--solutions" in argv
    argv = [a for a in argv if a != "--solutions"]
    site = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "site"
    broken = link_problems(site)
    for problem in broken:
        print(f"broken link: {problem}")
    print(f"internal links: {len(broken)} broken" if broken else "internal links: all resolve")
    if not browser_available():
        sys.exit(f"Chromium and chromedriver are needed ({CHROMIUM}, {CHROMEDRIVER}): "
                 "apt-get install chromium chromium-driver")
    from tools.site import settings

    results, search = check(site, dict(settings(), solutions=solutions))
    failed = False
    for name, (facts, problems) in results.items():
        status = "ok" if not problems else "PROBLEMS"
        print(f"{name}: {status} ({facts['images']} figures, {facts['typeset']}/{facts['math']} formulas, "
              f"{len(facts['launch'])} launch links, {facts['toggles']} collapsed cells)")
        for problem in problems:
            print(f"    {problem}")
        failed = failed or bool(problems)
    for query, problem in search.items():
        print(f"search {query!r}: {problem or 'ok'}")
        failed = failed or bool(problem)
    print(f"{len(results)} pages, {len(search)} searches: {'PROBLEMS' if failed else 'all ok'}")
    sys.exit(1 if failed or broken else 0)


if __name__ == "__main__":
    main()
