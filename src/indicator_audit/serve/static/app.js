// The upload page, with JavaScript: files can be dropped, the report is shown in the page,
// and the downloads use the files of the last audit. Without this script the same form
// posts to /report and the browser shows the answer itself.
"use strict";

(function () {
  const form = document.getElementById("audit-form");
  const input = document.getElementById("files");
  const drop = document.getElementById("drop");
  const chosen = document.getElementById("chosen");
  const status = document.getElementById("status");
  const result = document.getElementById("result");
  if (!form || !input || !drop || !chosen || !status || !result) {
    return;
  }
  document.documentElement.classList.add("js");

  function listFiles() {
    chosen.replaceChildren();
    for (const file of input.files) {
      const item = document.createElement("li");
      item.textContent = file.name + "（" + Math.max(1, Math.round(file.size / 1024)) + " KB）";
      chosen.appendChild(item);
    }
  }

  input.addEventListener("change", listFiles);
  drop.addEventListener("dragover", function (event) {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", function () {
    drop.classList.remove("over");
  });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    drop.classList.remove("over");
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      listFiles();
    }
  });

  // The answer's body, parsed as an inert document (scripts in it never run), moved into
  // the page; the page links the report's rules as /static/report.css.
  function showHtml(text) {
    // The report's own <style> goes before parsing: the parser would apply it under this
    // page's policy, which refuses inline styles (user text in it is escaped: no "</style>").
    const bare = text.replace(/<style[^>]*>[\s\S]*?<\/style>/gi, "");
    const doc = new DOMParser().parseFromString(bare, "text/html");
    for (const node of doc.querySelectorAll("script, style, link, meta")) {
      node.remove();
    }
    result.replaceChildren(...Array.from(doc.body.childNodes, (n) => document.adoptNode(n)));
  }

  function showError(text) {
    let message = "请求失败";
    try {
      const error = JSON.parse(text).error;
      message = error.message;
      if (error.file) {
        message += "（" + error.file + (error.line ? " 第 " + error.line + " 行" : "") + "）";
      }
    } catch (ignored) {
      message = text.slice(0, 300);
    }
    const p = document.createElement("p");
    p.className = "sev-error";
    p.textContent = message;
    result.replaceChildren(p);
  }

  function fileName(response, fallback) {
    const header = response.headers.get("content-disposition") || "";
    const match = /filename\*=UTF-8''([^;]+)/i.exec(header);
    return match ? decodeURIComponent(match[1]) : fallback;
  }

  async function send(action) {
    const data = new FormData(form);
    data.set("action", action);
    status.textContent = action === "check" ? "正在审核…" : "正在生成下载文件…";
    let response;
    try {
      // getAttribute: form.action would be the buttons named "action"
      response = await fetch(form.getAttribute("action"), { method: "POST", body: data });
    } catch (error) {
      status.textContent = "无法连接服务：" + error;
      return;
    }
    const type = response.headers.get("content-type") || "";
    if (type.startsWith("text/html")) {
      showHtml(await response.text());
      status.textContent = response.ok ? "审核完成。" : "有文件无法检查，原因见下。";
      return;
    }
    if (!response.ok) {
      showError(await response.text());
      status.textContent = "";
      return;
    }
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = fileName(response, "download");
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    status.textContent = "已下载 " + link.download + "。";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const action = event.submitter && event.submitter.value ? event.submitter.value : "check";
    send(action);
  });
})();
