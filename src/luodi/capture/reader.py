"""One entry for every reader: bytes or text in, the plain draft (:class:`ParseResult`) out.

The kind is told by content, not by file name: an .xlsx is a ZIP (``PK``), a .csv has a header
row of known headings separated by commas or semicolons (UTF-8 or GBK), everything else is read
as the action-list Markdown, a list, tab-separated rows or a chat transcript. Never raises.
"""

from __future__ import annotations

from luodi.capture.markdown import MAX_BYTES, decode, parse_action_list
from luodi.capture.model import ParseResult, ReadOptions
from luodi.capture.sheet import decode_csv, is_xlsx, looks_like_csv, read_csv, read_xlsx

MAX_INPUT_BYTES = 16 * 1024 * 1024
"""What a caller reads of a file at most (a spreadsheet's limit; text stops at 1 MB)."""


def read_draft(source: bytes | str, options: ReadOptions | None = None) -> ParseResult:
    """The draft of whatever ``source`` holds; see the module docstring."""
    if is_xlsx(source):
        assert isinstance(source, bytes)
        return read_xlsx(source, options)
    text, _problem = decode(source) if len(source) <= MAX_BYTES else (None, None)
    if text is None:
        text, problem = decode_csv(source)
        if text is None:  # its reason is the more precise one (mixed encodings, neither UTF-8 nor GBK)
            return ParseResult(None, [problem] if problem else [])
    if looks_like_csv(text):
        return read_csv(source, options)
    return parse_action_list(source, options)
