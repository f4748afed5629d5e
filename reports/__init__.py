"""Reports drawn from the supervision summary dict (see `docs/summary-format.md`).

`store/reports/period.py` builds the dict; the renderers here turn it into text: Markdown
for pasting into a supervision record, one self-contained printable HTML page, and a draft
NMC written reflective account. They are pure functions: no files, no network, no Textual.
"""

from .html import render_html
from .markdown import render_markdown
from .nmc import render_nmc

__all__ = ["render_html", "render_markdown", "render_nmc"]
