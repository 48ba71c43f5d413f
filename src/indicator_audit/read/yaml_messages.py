"""PyYAML's syntax errors said in Chinese, at the place where the mistake starts.

PyYAML (and libyaml behind it) reports in English, at the place where it gave up: for an
unclosed quote or bracket that is the end of the file. The user needs the opening quote or
bracket, so for constructs that run on until closed the error stands at their start and the
message says where reading gave up; for the rest, at the problem itself.
"""

from __future__ import annotations

# What was being read when the error came (PyYAML's `context`): constructs that run until
# closed, named for the message; the error is placed at their start.
_OPEN: dict[str, str] = {
    "while parsing a flow sequence": "“[”开始的列表",
    "while parsing a flow mapping": "“{”开始的映射",
    "while scanning a quoted scalar": "引号开始的文字",
    "while scanning a simple key": "这个键",
    "while scanning a block scalar": "“|”或“>”开始的多行文字",
}

# PyYAML's and libyaml's `problem` texts (by their start), in Chinese.
_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("did not find expected ',' or ']'", "缺少“,”或闭合的“]”"),
    ("did not find expected ',' or '}'", "缺少“,”或闭合的“}”"),
    ("found unexpected end of stream", "到文件末尾仍没有结束（缺少闭合的引号？）"),
    ("did not find expected key", "这一行与上面的键没有对齐，或不是“键: 值”的写法（检查缩进）"),
    (
        "did not find expected '-' indicator",
        "列表中的这一行应以“- ”开头，并与上面的项对齐（检查缩进）",
    ),
    ("found a tab character", "制表符不能用于缩进，请改用空格"),
    (
        "found character that cannot start any token",
        "这个字符不能出现在这里（缩进不能用制表符；以 @ 或 ` 开头的文字要加引号）",
    ),
    ("mapping values are not allowed", "这里不能再出现“: ”（值里有冒号时，请给整个值加引号）"),
    ("found undefined alias", "“*”后的别名没有对应的“&”锚点（以 * 开头的文字要加引号）"),
    (
        "did not find expected alphabetic or numeric character",
        "“&”或“*”后面应紧跟名称（以 & 或 * 开头的文字要加引号）",
    ),
    (
        "found unknown escape character",
        "双引号中“\\”后面的字符不是有效的转义（改用单引号，或写成“\\\\”）",
    ),
    ("found undefined tag handle", "无法识别的“!”标签（以 ! 开头的文字要加引号）"),
    ("did not find expected <document start>", "文档在这里之前已经结束（检查“---”和“...”）"),
    ("could not find expected ':'", "缺少“:”（键后面要有冒号和空格）"),
    ("did not find expected node content", "这里缺少值"),
    ("block sequence entries are not allowed", "这里不能出现列表项“- ”（检查缩进）"),
    ("control characters are not allowed", "文件中有不可见的控制字符"),
    ("found duplicate anchor", "同一个“&”锚点名称用了两次"),
    ("expected <block end>", "这一行与上面的内容没有对齐（检查缩进）"),
    ("expected <document start>", "文档在这里之前已经结束（检查“---”和“...”）"),
)

_FALLBACK = "这里的写法无法解析"


def _problem(text: str | None) -> str:
    for start, said in _PROBLEMS:
        if text and text.startswith(start):
            return said
    return _FALLBACK


def syntax_message(
    context: str | None,
    context_at: tuple[int, int] | None,
    problem: str | None,
    problem_at: tuple[int, int] | None,
) -> tuple[str, int, int]:
    """(message, line, column) for a YAML syntax error; positions 1-based."""
    said = _problem(problem)
    opened = _OPEN.get(context or "")
    if opened is not None and context_at is not None:
        line, col = context_at
        if (problem or "").startswith("found unexpected end of stream"):
            return f"YAML 语法错误：{opened}没有结束：到文件末尾也没有闭合", line, col
        if problem_at is not None and problem_at != context_at:
            pl, pc = problem_at
            return f"YAML 语法错误：{opened}没有结束：到第 {pl} 行第 {pc} 列，{said}", line, col
        return f"YAML 语法错误：{opened}没有结束：{said}", line, col
    line, col = problem_at or context_at or (1, 1)
    return f"YAML 语法错误：{said}", line, col
