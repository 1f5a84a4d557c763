"""Show the library's own code on the page: the code a section teaches is the code the library runs.

``show(Momentum)`` displays the source of a class or function as it is in
``common/`` (one source, never a copy that can drift): highlighted in
JupyterLab and on the site (Markdown), the same text as plain text, which the
notebook check compares, so a change to the library shows up as a changed
output until the section is executed again.
"""

import inspect
import textwrap


class Source:
    """The source of ``obj``, displayed as a Python code block."""

    def __init__(self, obj, docstring=True):
        self.name = getattr(obj, "__qualname__", repr(obj))
        text = textwrap.dedent(inspect.getsource(obj)).rstrip("\n")
        self.text = text if docstring else _without_docstrings(text)

    def __repr__(self):
        return self.text

    def _repr_markdown_(self):
        return f"```python\n{self.text}\n```"


def _without_docstrings(text):
    """``text`` with every docstring line block removed (the page's prose already says it)."""
    import ast

    tree = ast.parse(text)
    drop = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(getattr(body[0], "value", None), ast.Constant)
                and isinstance(body[0].value.value, str)):
            drop.update(range(body[0].lineno, body[0].end_lineno + 1))
    return "\n".join(line for number, line in enumerate(text.splitlines(), 1) if number not in drop)


def show(*objects, docstring=True):
    """Display the source of each object (class or function) in turn; returns nothing."""
    from IPython.display import display

    for obj in objects:
        display(Source(obj, docstring=docstring))
