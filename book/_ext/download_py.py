"""Add the section's .py (its jupytext source, copied to _sources/ by tools/site.py) to the download menu."""


def add_py(app, pagename, templatename, context, doctree):
    if context.get("page_source_suffix") != ".ipynb":
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(1, {
                "type": "link",
                "url": f"{context['pathto']('_sources', 1)}/{pagename}.py",
                "text": ".py",
                "icon": "fas fa-code",
                "tooltip": "Download the Python source (jupytext)",
                "label": "download-py-button",
            })


def setup(app):
    app.connect("html-page-context", add_py, priority=1000)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
