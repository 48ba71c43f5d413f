"""User text made safe for the places the tool writes it: spreadsheet cells, sheet titles and
terminals.

A budget table is user input. Written back into a workbook or CSV, a cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return is taken by Excel and LibreOffice as a formula
(OWASP "CSV injection"; DDE payloads such as `=cmd|' /C calc'!A0`), so such text gets a
leading single quote, as OWASP recommends and as spreadsheet users type for the same purpose;
it stays visible, so nothing is hidden. Characters XML 1.0 cannot hold
(control characters, U+FFFE, U+FFFF) make an xlsx unreadable and are dropped. On a terminal,
control characters and escape sequences from a cell could clear the screen or forge output;
they are shown escaped instead.
"""

from __future__ import annotations

import re

# Leading characters a spreadsheet program reads as the start of a formula or command.
_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# XML 1.0 forbids C0 controls but tab, newline and carriage return, and U+FFFE / U+FFFF;
# lone surrogates cannot be encoded at all.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What a terminal would act on: C0 controls but tab and newline, DEL, and C1 controls
# (U+0080–U+009F, which include the 8-bit CSI).
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters Excel refuses in a sheet title, and its 31-character limit.
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_MAX = 31


def xml_text(text: str) -> str:
    """`text` with the characters XML 1.0 cannot hold dropped (for comments, titles)."""
    return _XML_ILLEGAL.sub("", text)


def spreadsheet_text(text: str) -> str:
    """`text` as a cell value that stays text: never a formula, always valid XML."""
    text = _XML_ILLEGAL.sub("", text)
    if text.startswith(_FORMULA_LEADS):
        return "'" + text
    return text


def sheet_title(text: str, fallback: str = "Sheet") -> str:
    """A valid, inert sheet title made from user text."""
    title = _SHEET_TITLE_BAD.sub("_", _XML_ILLEGAL.sub("", text)).strip("' ")
    title = title[:_SHEET_TITLE_MAX]
    if title.startswith(_FORMULA_LEADS):
        title = "_" + title[: _SHEET_TITLE_MAX - 1]
    return title or fallback


def terminal_text(text: str) -> str:
    """`text` with every control character shown as an escape (`\\x1b`), never acted on."""
    return _TERMINAL_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
