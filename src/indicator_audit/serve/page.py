"""The HTML the service writes itself: the upload page, the error page of a form post, and the
API documentation page made from the OpenAPI document. Every piece of text that is not a
constant here goes through html.escape; no page carries an inline script."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from indicator_audit.serve.errors import ErrorDetail
from indicator_audit.serve.uploads import SUFFIXES

_HEAD = (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<link rel="icon" href="data:,">'  # no icon: the browser asks for none
    '<link rel="stylesheet" href="/static/report.css">'
    '<link rel="stylesheet" href="/static/page.css">'
)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def upload_page(presets: Mapping[str, str], default: str, token: bool, limits: str) -> str:
    """The page at /: a plain form that works without JavaScript (the browser posts it and
    shows the report); /static/app.js, when it runs, shows the report in the page instead and
    adds dropping files and downloads of the last audit."""
    options = [f'<option value="">默认：{_e(default)}（{_e(presets.get(default, ""))}）</option>']
    options += [
        f'<option value="{_e(name)}">{_e(name)}：{_e(title)}</option>'
        for name, title in presets.items()
    ]
    accept = ",".join(sorted(SUFFIXES))
    token_field = (
        '<p><label for="token">访问令牌</label> '
        '<input id="token" name="token" type="password" autocomplete="current-password" '
        "required></p>"
        if token
        else ""
    )
    return (
        _HEAD + '<script src="/static/app.js" defer></script><title>绩效目标审核</title>'
        "</head><body><header><h1>绩效目标审核</h1>"
        "<p>上传绩效目标申报表或绩效自评表，检查指标是否模糊、未量化、方向或单位不对、分类错放、"
        "用过程指标充当产出效益、自评打分不一致；每个问题定位到单元格，说明理由并注明依据。</p>"
        "</header>"
        '<form id="audit-form" method="post" action="/report" enctype="multipart/form-data">'
        '<div id="drop" class="drop"><p><label for="files">选择文件</label> '
        f'<input id="files" name="files" type="file" multiple required accept="{_e(accept)}"></p>'
        f'<p class="hint">Excel（.xlsx）、CSV、YAML 或 JSON；{_e(limits)}。'
        '<span class="js-only">也可以把文件拖到这里。</span></p>'
        '<ul id="chosen"></ul></div>'
        '<details class="compare"><summary>对照（可选）</summary>'
        '<p><label for="previous">上年的表</label> '
        f'<input id="previous" name="previous" type="file" multiple accept="{_e(accept)}"> '
        '<span class="hint">目标与上年的目标和实际完成值对照（按项目名称和主管部门配对）</span></p>'
        '<p><label for="declared">申报表</label> '
        f'<input id="declared" name="declared" type="file" multiple accept="{_e(accept)}"> '
        '<span class="hint">自评表的目标与申报的目标对照</span></p></details>'
        f'<p><label for="preset">权重口径</label> <select id="preset" name="preset">'
        f"{''.join(options)}</select></p>{token_field}"
        '<p class="actions">'
        '<button type="submit" name="action" value="check" class="primary">审核</button> '
        '<button type="submit" name="action" value="xlsx">下载批注工作簿</button> '
        '<button type="submit" name="action" value="json">下载 JSON 报告</button> '
        '<button type="submit" name="action" value="suggest">下载修订稿</button></p>'
        '<p id="status" role="status" aria-live="polite"></p></form>'
        '<section id="result"></section>'
        '<footer><p>供预算系统调用的接口：<a href="/docs">接口说明</a>（OpenAPI：'
        '<a href="/openapi.json">/openapi.json</a>）。上传的文件只在审核期间保存在服务器上，'
        "答复后即删除。</p></footer></body></html>\n"
    )


def error_page(detail: ErrorDetail) -> str:
    """A refused form post, for a browser without JavaScript (the script shows it as well)."""
    where = ""
    if detail.file:
        where = detail.file
        if detail.line is not None:
            where += f"，第 {detail.line} 行第 {detail.column} 列"
        if detail.cell:
            where += f"（{detail.cell}）"
    place = f'<p class="loc">{_e(where)}</p>' if where else ""
    return (
        _HEAD + "<title>无法审核</title></head><body>"
        f'<section class="refused" data-status="{detail.status}"><h2>无法审核</h2>'
        f'<p class="sev-error">{_e(detail.message)}</p>{place}'
        '<p><a href="/">返回上传页</a></p></section></body></html>\n'
    )


_LOCATION = {"query": "查询参数", "path": "路径参数", "header": "请求头"}


def docs_page(spec: Mapping[str, Any]) -> str:
    """The API documentation, written from the OpenAPI document at /openapi.json (served by
    the app itself: no script, no resource from outside)."""
    info = spec.get("info", {})
    parts = [
        _HEAD + f"<title>{_e(info.get('title', ''))} 接口说明</title></head><body>"
        f"<h1>{_e(info.get('title', ''))} 接口说明</h1>"
        f"<p>版本 {_e(info.get('version', ''))}。{_e(info.get('description', ''))}</p>"
        '<p>机器可读的 OpenAPI 文档：<a href="/openapi.json">/openapi.json</a>。</p>'
    ]
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            parts.append(
                f'<section class="endpoint"><h2><code>{_e(method.upper())} {_e(path)}</code> '
                f"{_e(op.get('summary', ''))}</h2>"
                f'<p class="muted">{_e(op.get("description", ""))}</p>'
            )
            params = op.get("parameters", [])
            if params:
                parts.append("<table><tr><th>参数</th><th>位置</th><th>取值</th><th>说明</th></tr>")
                for p in params:
                    parts.append(
                        f"<tr><td><code>{_e(p.get('name'))}</code>"
                        f"{'（必填）' if p.get('required') else ''}</td>"
                        f"<td>{_e(_LOCATION.get(p.get('in', ''), p.get('in', '')))}</td>"
                        f"<td>{_e(_values(p.get('schema', {})))}</td>"
                        f"<td>{_e(p.get('description', ''))}</td></tr>"
                    )
                parts.append("</table>")
            body = op.get("requestBody", {}).get("content", {})
            if body:
                kinds = "、".join(body)
                parts.append(f"<p>请求体：<code>{_e(kinds)}</code></p>")
            parts.append("<table><tr><th>状态</th><th>含义</th><th>类型</th></tr>")
            for code, answer in op.get("responses", {}).items():
                types = "、".join(answer.get("content", {}))
                parts.append(
                    f"<tr><td>{_e(code)}</td><td>{_e(answer.get('description', ''))}</td>"
                    f"<td><code>{_e(types)}</code></td></tr>"
                )
            parts.append("</table></section>")
    parts.append("</body></html>\n")
    return "".join(parts)


def _values(schema: Mapping[str, Any]) -> str:
    for option in schema.get("anyOf", []):
        if "enum" in option:
            return " | ".join(str(v) for v in option["enum"])
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    default = schema.get("default")
    kind = str(schema.get("type", ""))
    return f"{kind}（默认 {default}）" if default is not None else kind
