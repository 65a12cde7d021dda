/*
 * neoqa chat widget: one self-contained script, no build step, nothing loaded from elsewhere.
 *
 *   <script src="http://HOST:PORT/widget.js" data-api="http://HOST:PORT"></script>
 *
 * Optional: data-library="guidelines" names what the library holds (default "reviews": "Ask the guidelines",
 * "Not in the guidelines"), data-title="..." the button and panel title, data-documents="id1 id2" keeps
 * answers to those documents of the library (ids as GET /v1/documents lists them; spaces or commas between),
 * as on a page about one paper.
 *
 * Adds a chat button and a panel (in a shadow root, so the host page's CSS does not leak in). Questions are
 * sent with the conversation so far to POST {api}/v1/ask/stream, and the answer is read as Server-Sent Events
 * from a fetch ReadableStream. Every piece of server data is rendered as text (textContent / text nodes),
 * never as HTML. Elements with a `data-neoqa-ask="question"` attribute ask their question when clicked.
 * Script API: window.NeoQAWidget.open(), .close(), .ask(question), .reset(), .setDocuments(ids, label) (keep
 * answers to those documents from now on, [] for the whole library; `label` names them in the panel).
 *
 * The conversation outlives a page load: it is kept in the tab's sessionStorage (per API and documents; the
 * last STORED_EXCHANGES exchanges, citations without related passages), so following a link on the host site
 * neither loses the answers read so far nor the context of a follow-up. "New chat" forgets it.
 */
(function () {
  "use strict";
  if (window.NeoQAWidget) return; // included twice

  var script = document.currentScript;
  var apiAttr = script && script.getAttribute("data-api");
  var scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var API = (apiAttr || scriptOrigin).replace(/\/+$/, "");
  // What the library holds, as the widget's labels name it; the built-in corpus is two reviews.
  var LIBRARY = ((script && script.getAttribute("data-library")) || "").trim() || "reviews";
  var TITLE = (script && script.getAttribute("data-title")) || "Ask the " + LIBRARY;
  // The documents answers are kept to (none named: the whole library).
  var DOCUMENTS = ((script && script.getAttribute("data-documents")) || "").split(/[\s,]+/).filter(Boolean);
  var SCOPE_LABEL = scopeLabel(DOCUMENTS);
  // The host page's own choice, which "Ask this study" leaves and the scope line's button returns to.
  var HOST_DOCUMENTS = DOCUMENTS.slice();
  var MAX_QUESTION = 2000; // qa.model.MAX_QUESTION_CHARS (a test keeps the two equal)
  var HISTORY_TURNS = 10; // the last five exchanges are enough to resolve a follow-up
  var TURN_CHARS = 4000;
  var STORED_EXCHANGES = 20;
  function storeKey() { return "neoqa:" + API + ":" + DOCUMENTS.join(","); }
  // How the panel names the documents answers are kept to: `label`, else their count; "" for the whole library.
  function scopeLabel(ids, label) {
    if (!ids.length) return "";
    return label ? String(label) : ids.length + " selected document" + (ids.length > 1 ? "s" : "");
  }

  var CSS = [
    ":host { all: initial; }",
    "*, *::before, *::after { box-sizing: border-box; }",
    ".root { font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #111827; }",
    "button { font: inherit; cursor: pointer; }",
    "button:focus-visible, textarea:focus-visible, .source:focus-visible { outline: 3px solid #b45309;",
    "  outline-offset: 2px; }",
    ".launcher { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; display: flex; gap: 8px;",
    "  align-items: center; padding: 12px 18px; border: 0; border-radius: 999px; background: #1d4ed8;",
    "  color: #fff; font-weight: 600; box-shadow: 0 4px 14px rgba(0,0,0,.25); }",
    ".launcher:hover { background: #1e40af; }",
    ".panel { position: fixed; right: 16px; bottom: 80px; z-index: 2147483001; display: flex;",
    "  flex-direction: column; width: min(420px, calc(100vw - 32px)); height: min(640px, calc(100vh - 100px));",
    "  background: #fff; border: 1px solid #d1d5db; border-radius: 12px; box-shadow: 0 10px 30px rgba(0,0,0,.25);",
    "  overflow: hidden; }",
    ".panel[hidden] { display: none; }",
    "@media (max-width: 480px) { .panel { inset: 0; width: 100%; height: 100%; border-radius: 0; border: 0; } }",
    ".head { display: flex; align-items: center; gap: 8px; padding: 10px 12px; background: #1d4ed8; color: #fff; }",
    ".head h2 { flex: 1; margin: 0; font-size: 16px; font-weight: 700; }",
    ".head button { border: 1px solid rgba(255,255,255,.6); border-radius: 6px; background: transparent;",
    "  color: #fff; padding: 4px 10px; min-height: 32px; }",
    ".head .close { font-size: 20px; line-height: 1; padding: 2px 10px; }",
    ".log { flex: 1; overflow-y: auto; padding: 12px; background: #f9fafb; }",
    ".msg { margin: 0 0 12px; padding: 10px 12px; border-radius: 10px; overflow-wrap: anywhere; }",
    ".msg .body { margin: 0; white-space: pre-wrap; }",
    ".user { margin-left: 12%; background: #dbeafe; }",
    ".bot { margin-right: 4%; background: #fff; border: 1px solid #e5e7eb; }",
    ".bot.unanswered { background: #fffbeb; border: 2px dashed #b45309; }",
    ".label { display: inline-block; margin: 0 0 6px; padding: 1px 8px; border-radius: 999px; background: #92400e;",
    "  color: #fff; font-size: 12px; font-weight: 700; letter-spacing: .03em; text-transform: uppercase; }",
    ".verdict { display: inline-block; margin: 0 0 6px; padding: 2px 10px; border-radius: 999px;",
    "  font-size: 13px; font-weight: 700; color: #fff; background: #374151; }",
    ".verdict[data-verdict='Yes'] { background: #065f46; }",
    ".verdict[data-verdict='No'] { background: #991b1b; }",
    ".verdict[data-verdict='Mixed evidence'], .verdict[data-verdict='Unclear'] { background: #92400e; }",
    ".verdict[data-verdict='none'] { background: #e5e7eb; color: #111827; font-weight: 600; }",
    ".src-stance { margin: 2px 0 0; font-size: 13px; color: #1f2937; font-weight: 600; }",
    ".off-topic { margin: 0 0 6px; font-size: 13px; font-style: italic; color: #92400e; }",
    ".read-as { margin: 0 0 6px; font-size: 13px; color: #4b5563; }",
    ".error { background: #fef2f2; border: 1px solid #fca5a5; color: #991b1b; }",
    ".intro { color: #374151; }",
    ".marker { margin: 0 1px; padding: 0 5px; min-width: 26px; border: 1px solid #93c5fd; border-radius: 5px;",
    "  background: #eff6ff; color: #1e40af; font-size: .85em; font-weight: 700; line-height: 1.5; }",
    ".marker[aria-expanded='true'] { background: #1d4ed8; color: #fff; border-color: #1d4ed8; }",
    ".source { margin-top: 10px; padding: 8px 10px; border-left: 4px solid #1d4ed8; background: #f3f4f6;",
    "  border-radius: 0 6px 6px 0; }",
    ".source[hidden] { display: none; }",
    ".src-title { margin: 0; font-weight: 700; }",
    ".src-section { margin: 2px 0 0; color: #374151; font-size: 13px; }",
    ".source blockquote { margin: 6px 0; padding: 0; font-style: italic; white-space: pre-wrap; tab-size: 2; }",
    ".src-ref { margin: 0; font-size: 13px; color: #1f2937; }",
    ".src-library { margin: 4px 0 0; font-size: 13px; color: #1f2937; }",
    ".in-library { margin-left: 4px; padding: 1px 8px; border: 1px solid #1d4ed8; border-radius: 5px;",
    "  background: #fff; color: #1d4ed8; font-size: 12px; }",
    ".composer { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid #e5e7eb; background: #fff; }",
    ".composer textarea { flex: 1; min-height: 44px; max-height: 120px; padding: 8px 10px; resize: none;",
    "  font: inherit; color: #111827; border: 1px solid #6b7280; border-radius: 8px; }",
    ".composer .send { min-width: 72px; border: 0; border-radius: 8px; background: #1d4ed8; color: #fff;",
    "  font-weight: 600; }",
    ".composer .send[aria-disabled='true'] { background: #6b7280; cursor: progress; }",
    ".context { margin-top: 6px; padding: 2px 10px; border: 1px solid #9ca3af; border-radius: 6px;",
    "  background: #fff; color: #1f2937; font-size: 13px; }",
    ".in-context { font-style: normal; color: #374151; }",
    ".in-context mark { background: #fef3c7; color: #111827; font-style: italic; }",
    ".copy { margin-top: 8px; padding: 2px 10px; border: 1px solid #9ca3af; border-radius: 6px; background: #fff;",
    "  color: #1f2937; font-size: 13px; }",
    ".scope { margin: 0; padding: 6px 12px; font-size: 13px; background: #eff6ff; color: #1e3a8a;",
    "  border-bottom: 1px solid #bfdbfe; }",
    ".scope[hidden] { display: none; }",
    ".scope-back { margin: 0; padding: 4px 12px; border: 0; border-bottom: 1px solid #bfdbfe; background: #eff6ff;",
    "  color: #1d4ed8; font-size: 13px; text-align: left; text-decoration: underline; cursor: pointer; }",
    ".scope-back[hidden] { display: none; }",
    ".hint { margin: 0; padding: 0 12px 8px; font-size: 12px; color: #4b5563; background: #fff; }",
    ".sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;",
    "  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }"
  ].join("\n");

  var uid = 0;
  function nextId(prefix) { uid += 1; return "neoqa-" + prefix + "-" + uid; }

  // Elements only through this helper: attributes with setAttribute, text with text nodes.
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] === false || attrs[name] == null) return;
      node.setAttribute(name, attrs[name] === true ? "" : String(attrs[name]));
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // A speech bubble drawn in SVG: no icon font and no emoji font needed.
  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    svg.appendChild(path);
    return svg;
  }

  // ---- Server-Sent Events over fetch -------------------------------------------------------------
  function parseEvent(block) {
    var name = "message", data = [];
    block.split(/\r\n|\r|\n/).forEach(function (line) {
      if (!line || line.charAt(0) === ":") return; // comments (pings)
      var i = line.indexOf(":");
      var field = i < 0 ? line : line.slice(0, i);
      var value = i < 0 ? "" : line.slice(i + 1);
      if (value.charAt(0) === " ") value = value.slice(1);
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
    });
    return data.length ? { event: name, data: data.join("\n") } : null;
  }

  function readEvents(response, onEvent) {
    var decoder = new TextDecoder();
    var buffer = "";
    function flush(final) {
      var parts = buffer.split(/\r\n\r\n|\n\n|\r\r/);
      buffer = final ? "" : parts.pop();
      parts.forEach(function (part) {
        var ev = parseEvent(part);
        if (ev) onEvent(ev.event, JSON.parse(ev.data));
      });
    }
    if (!response.body || !response.body.getReader) { // no streaming support: parse the whole body at once
      return response.text().then(function (text) { buffer = text; flush(true); });
    }
    var reader = response.body.getReader();
    function pump() {
      return reader.read().then(function (r) {
        if (r.done) { buffer += decoder.decode(); flush(true); return; }
        buffer += decoder.decode(r.value, { stream: true });
        flush(false);
        return pump();
      });
    }
    return pump();
  }

  function errorMessage(response) {
    return response.json().then(function (body) {
      return (body && body.message) || ("The server answered " + response.status + ".");
    }, function () { return "The server answered " + response.status + "."; });
  }

  // ---- The widget ----------------------------------------------------------------------------------
  // The tab's stored conversation ([{question, answer}]), or [] when there is none or storage is refused
  // (a sandboxed frame, a browser that blocks it): the widget then works as before, for this page only.
  function loadExchanges() {
    try {
      var stored = JSON.parse(window.sessionStorage.getItem(storeKey()) || "[]");
      return Array.isArray(stored) ? stored.filter(function (x) {
        return x && typeof x.question === "string" && x.answer && typeof x.answer.answer === "string";
      }) : [];
    } catch (e) { return []; }
  }

  function saveExchanges(exchanges) {
    try {
      if (exchanges.length) window.sessionStorage.setItem(storeKey(), JSON.stringify(exchanges));
      else window.sessionStorage.removeItem(storeKey());
    } catch (e) { /* full or refused: the conversation stays on this page only */ }
  }

  function Widget() {
    this.history = [];
    this.exchanges = [];
    this.busy = false;
    this.host = el("div", { id: "neoqa-widget" });
    this.shadow = this.host.attachShadow({ mode: "open" });
    this.shadow.appendChild(el("style", {}, [CSS]));
    var ids = { panel: nextId("panel"), title: nextId("title"), input: nextId("input"), hint: nextId("hint") };

    this.launcher = el("button", { type: "button", "class": "launcher", "aria-haspopup": "dialog",
      "aria-expanded": "false", "aria-controls": ids.panel }, [chatIcon(), TITLE]);
    this.closeButton = el("button", { type: "button", "class": "close", "aria-label": "Close" }, ["\u00D7"]);
    this.newButton = el("button", { type: "button", "class": "new" }, ["New chat"]);
    this.log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
    this.input = el("textarea", { id: ids.input, rows: "2", maxlength: String(MAX_QUESTION),
      placeholder: "Ask about the " + LIBRARY + "\u2026", "aria-describedby": ids.hint, autocomplete: "off" });
    this.send = el("button", { type: "submit", "class": "send" }, ["Send"]);
    this.form = el("form", { "class": "composer", "aria-label": "Ask a question" }, [
      el("label", { "class": "sr-only", "for": ids.input }, ["Your question"]), this.input, this.send]);
    this.panel = el("section", { id: ids.panel, "class": "panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": ids.title, hidden: true }, [
      el("div", { "class": "head" }, [el("h2", { id: ids.title }, [TITLE]), this.newButton, this.closeButton]),
      this.scopeLine = el("p", { "class": "scope", role: "status" }),
      this.scopeBack = el("button", { type: "button", "class": "scope-back", hidden: true }, [
        HOST_DOCUMENTS.length ? "Back to " + scopeLabel(HOST_DOCUMENTS) : "Ask all the " + LIBRARY]),
      this.log, this.form,
      el("p", { id: ids.hint, "class": "hint" },
        ["Answers quote the " + LIBRARY + ". Enter sends, Shift+Enter adds a line, Esc closes."])]);
    this.shadow.appendChild(el("div", { "class": "root" }, [this.launcher, this.panel]));
    this.bind();
    this.restore();
  }

  // The conversation of the current documents: the intro, then what the tab's storage kept of it.
  Widget.prototype.restore = function () {
    this.history = [];
    this.exchanges = [];
    this.log.textContent = "";
    this.intro();
    this.scopeLine.textContent = SCOPE_LABEL ? "Answers only from " + SCOPE_LABEL + "." : "";
    this.scopeLine.hidden = !SCOPE_LABEL;
    this.scopeBack.hidden = DOCUMENTS.join(",") === HOST_DOCUMENTS.join(",");
    loadExchanges().forEach(function (x) {
      this.question(x.question).finish(x.answer);
      this.remember(x.question, x.answer);
    }, this);
  };

  // Keep answers to `ids` (none: the whole library) from now on; each set of documents has its own
  // conversation, as a follow-up's context belongs to the documents it was asked of.
  Widget.prototype.setDocuments = function (ids, label) {
    if (this.busy) return false;
    DOCUMENTS = (Array.isArray(ids) ? ids : []).map(String).filter(Boolean);
    SCOPE_LABEL = scopeLabel(DOCUMENTS, label);
    this.restore();
    return true;
  };

  Widget.prototype.intro = function () {
    this.log.appendChild(el("p", { "class": "msg bot intro" }, [
      "Ask a question about the " + LIBRARY + ". Answers quote the " + LIBRARY + ", and each [n] opens its source."]));
  };

  Widget.prototype.bind = function () {
    var self = this;
    this.launcher.addEventListener("click", function () { self.isOpen() ? self.close() : self.open(); });
    this.closeButton.addEventListener("click", function () { self.close(); });
    this.newButton.addEventListener("click", function () { self.reset(); self.input.focus(); });
    this.scopeBack.addEventListener("click", function () {
      if (self.setDocuments(HOST_DOCUMENTS)) self.input.focus();
    });
    this.form.addEventListener("submit", function (e) { e.preventDefault(); self.submit(); });
    this.input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); self.submit(); }
    });
    this.panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { e.preventDefault(); self.close(); }
    });
  };

  Widget.prototype.isOpen = function () { return !this.panel.hidden; };

  Widget.prototype.open = function () {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.scroll();  // to the latest answer, restored ones included
    this.input.focus();
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.focus();
  };

  Widget.prototype.reset = function () {
    saveExchanges([]);
    this.restore();  // nothing stored now: the intro alone
  };

  Widget.prototype.submit = function () {
    var question = this.input.value.trim();
    if (!question || this.busy) return;
    this.input.value = "";
    this.ask(question);
  };

  Widget.prototype.scroll = function () { this.log.scrollTop = this.log.scrollHeight; };

  Widget.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.send.setAttribute("aria-disabled", busy ? "true" : "false");
  };

  Widget.prototype.question = function (question) {
    this.log.appendChild(el("div", { "class": "msg user" }, [
      el("span", { "class": "sr-only" }, ["You: "]), el("p", { "class": "body" }, [question])]));
    var self = this;
    var view = new AnswerView(function (id, title) { self.setDocuments([id], title); self.input.focus(); });
    this.log.appendChild(view.node);
    return view;
  };

  // One finished exchange: history for follow-ups, and what the tab's storage keeps.
  Widget.prototype.remember = function (question, answer) {
    this.history.push({ role: "user", content: question });
    this.history.push({ role: "assistant", content: answer.answer });
    var kept = {};
    Object.keys(answer).forEach(function (key) { if (key !== "related") kept[key] = answer[key]; });
    this.exchanges = this.exchanges.concat([{ question: question, answer: kept }]).slice(-STORED_EXCHANGES);
  };

  Widget.prototype.ask = function (question) {
    var self = this;
    if (this.busy) return Promise.resolve();
    if (!this.isOpen()) this.open();
    question = String(question).slice(0, MAX_QUESTION);
    var view = this.question(question);
    this.scroll();
    this.setBusy(true);
    var history = this.history.slice(-HISTORY_TURNS).map(function (t) {
      return { role: t.role, content: t.content.slice(0, TURN_CHARS) };
    });
    return fetch(API + "/v1/ask/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify(DOCUMENTS.length ? { question: question, history: history, documents: DOCUMENTS }
        : { question: question, history: history })
    }).then(function (response) {
      if (!response.ok) return errorMessage(response).then(function (msg) { view.fail(msg); });
      var failure = null;
      return readEvents(response, function (name, data) {
        if (name === "token") view.append(data.text);
        else if (name === "citation") view.cite(data);
        else if (name === "done") view.finish(data);
        else if (name === "error") failure = (data && data.message) || "The answer failed.";
        self.scroll();
      }).then(function () {
        if (!view.answer) { view.fail(failure || "The answer was interrupted. Please ask again."); return; }
        self.remember(question, view.answer);
        saveExchanges(self.exchanges);
      });
    }).catch(function () {
      view.fail("Could not reach the question service at " + API + ".");
    }).then(function () {
      self.setBusy(false);
      self.scroll();
    });
  };

  // ---- One answer: streamed text, then markers as buttons that open the cited passage -------------
  // `onDocument(id, title)`: keep the chat to a cited study that is itself in the library.
  function AnswerView(onDocument) {
    this.onDocument = onDocument;
    this.text = "";
    this.citations = {};
    this.answer = null;
    this.body = el("p", { "class": "body" }, ["Searching the " + LIBRARY + "\u2026"]);
    this.source = el("div", { id: nextId("source"), "class": "source", role: "region", tabindex: "-1",
      hidden: true });
    this.node = el("div", { "class": "msg bot", "aria-busy": "true" }, [
      el("span", { "class": "sr-only" }, ["Answer: "]), this.body, this.source]);
  }

  AnswerView.prototype.append = function (piece) {
    this.text += piece;
    this.body.textContent = this.text;
  };

  AnswerView.prototype.cite = function (citation) { this.citations[citation.marker] = citation; };

  AnswerView.prototype.finish = function (answer) {
    var self = this;
    this.answer = answer;
    this.text = answer.answer;
    (answer.citations || []).forEach(function (c) { self.citations[c.marker] = c; });
    if (answer.answered === false) {
      this.node.classList.add("unanswered");
      this.node.insertBefore(el("p", { "class": "label" }, ["Not in the " + LIBRARY]), this.node.firstChild);
    }
    if (!this.showVerdict(answer)) this.showOffTopic(answer);
    this.showReading(answer);
    this.render();
    if (answer.answered !== false) this.addCopy(answer);
    this.node.setAttribute("aria-busy", "false");
  };

  // How the engine read the question, when not as typed (`resolved_question`: a follow-up completed from the
  // conversation, a spelling, synonyms of lay words the library does not use): the clinician sees what was
  // answered. Above the verdict or note and the quotes.
  function readAs(answer) {
    var reading = answer.resolved_question;
    return reading && reading !== answer.question ? "Read as: " + reading : null;
  }

  AnswerView.prototype.showReading = function (answer) {
    var line = readAs(answer);
    if (!line) return;
    this.node.insertBefore(el("p", { "class": "read-as", role: "note" }, [line]),
      this.node.querySelector(".verdict, .off-topic") || this.body);
  };

  // The answer as plain text with its sources, for a note or an e-mail: what the panel shows, markers included.
  function answerText(answer) {
    var lines = [answer.answer, "", "Sources:"];
    if (readAs(answer)) lines.unshift(readAs(answer), "");
    (answer.citations || []).forEach(function (c) {
      var where = c.section && c.section !== c.title ? c.title + " \u203A " + c.section : c.title;
      lines.push("[" + c.marker + "] " + where + ": \u201C" + c.text + "\u201D");
      (c.references || []).forEach(function (r) { lines.push("    " + r); });
      (c.library_documents || []).forEach(function (d) {
        lines.push("    In this library: " + d.title + " (" + d.doc_id + ")");
      });
    });
    return lines.join("\n");
  }

  // The clipboard API needs a secure context (https, localhost); elsewhere a selected textarea is copied.
  function copyText(value) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(value);
    return new Promise(function (resolve, reject) {
      var area = el("textarea", { "aria-hidden": "true", readonly: true });
      area.style.position = "fixed";  // set through the CSSOM: a host page's CSP may refuse style attributes
      area.style.top = area.style.left = "0";
      area.style.opacity = "0";
      area.value = value;
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      document.body.removeChild(area);
      if (done) resolve(); else reject(new Error("copy refused"));
    });
  }

  AnswerView.prototype.addCopy = function (answer) {
    var button = el("button", { type: "button", "class": "copy" }, ["Copy with sources"]);
    var status = el("span", { "class": "sr-only", role: "status" });
    button.addEventListener("click", function () {
      copyText(answerText(answer)).then(function () {
        button.textContent = status.textContent = "Copied";
      }, function () {
        button.textContent = status.textContent = "Could not copy: select the text instead";
      }).then(function () {
        setTimeout(function () { button.textContent = "Copy with sources"; status.textContent = ""; }, 2500);
      });
    });
    this.node.appendChild(button);
    this.node.appendChild(status);
  };

  // A yes/no question's answer opens with a "Verdict: ..." line: it becomes a badge above the findings
  // (text only), coloured by the verdict's label; without a verdict the line says the findings do not settle it.
  AnswerView.prototype.showVerdict = function (answer) {
    var lines = this.text.split("\n");
    if (lines.length < 2 || lines[0].indexOf("Verdict:") !== 0) return false;
    this.text = lines.slice(1).join("\n");
    var verdict = answer.verdict;
    var label = verdict ? verdict.label : "none";
    var spoken = verdict ? "Verdict: " + verdict.label + ", confidence " + Math.round(verdict.confidence * 100) +
      " percent" : lines[0];
    this.node.insertBefore(el("p", { "class": "verdict", "data-verdict": label, role: "note",
      "aria-label": spoken }, [lines[0]]), this.body);
    return true;
  };

  // An answer quoted from papers none of which is about the question (`about_question` false: most often a
  // question about a study the library lacks) opens with a "Note: ..." line (a yes/no answer says it in its
  // verdict line instead): it becomes a note above the quotes.
  AnswerView.prototype.showOffTopic = function (answer) {
    var lines = this.text.split("\n");
    if (answer.about_question !== false || lines.length < 2 || lines[0].indexOf("Note:") !== 0) return;
    this.text = lines.slice(1).join("\n");
    var note = lines[0].slice("Note:".length).trim();
    this.node.insertBefore(el("p", { "class": "off-topic", role: "note" },
      [note.charAt(0).toUpperCase() + note.slice(1)]), this.body);
  };

  AnswerView.prototype.fail = function (message) {
    this.node.classList.add("error");
    this.node.setAttribute("role", "alert");
    this.body.textContent = this.text ? this.text + "\n\n" + message : message;
    this.node.setAttribute("aria-busy", "false");
  };

  // The answer text with every known `[n]` (or `[n, m]`) marker as a button; the rest as text nodes.
  AnswerView.prototype.render = function () {
    var self = this, text = this.text, last = 0, match;
    var pattern = /\[(\d+(?:\s*,\s*\d+)*)\]/g;
    this.body.textContent = "";
    while ((match = pattern.exec(text)) !== null) {
      var numbers = match[1].split(",").map(function (s) { return parseInt(s, 10); });
      if (!numbers.every(function (n) { return self.citations[n]; })) continue;
      this.body.appendChild(document.createTextNode(text.slice(last, match.index)));
      numbers.forEach(function (n) { self.body.appendChild(self.marker(n)); });
      last = pattern.lastIndex;
    }
    this.body.appendChild(document.createTextNode(text.slice(last)));
  };

  AnswerView.prototype.marker = function (n) {
    var self = this, c = this.citations[n];
    var button = el("button", { type: "button", "class": "marker", "data-marker": String(n),
      "aria-expanded": "false", "aria-controls": this.source.id,
      "aria-label": "Source " + n + ": " + c.title }, ["[" + n + "]"]);
    button.addEventListener("click", function () { self.toggle(button, c); });
    return button;
  };

  AnswerView.prototype.toggle = function (button, c) {
    var open = button.getAttribute("aria-expanded") === "true";
    this.node.querySelectorAll(".marker").forEach(function (b) { b.setAttribute("aria-expanded", "false"); });
    if (open) { this.source.hidden = true; return; }
    button.setAttribute("aria-expanded", "true");
    this.showSource(c);
  };

  AnswerView.prototype.showSource = function (c) {
    var refs = c.references || [];
    var parts = [el("p", { "class": "src-title" }, ["[" + c.marker + "] " + c.title])];
    if (c.section && c.section !== c.title) parts.push(el("p", { "class": "src-section" }, ["Section: " + c.section]));
    if (c.stance) parts.push(el("p", { "class": "src-stance" }, ["Stance toward the question: " + c.stance]));
    var quote = el("blockquote", {}, [c.text]);
    parts.push(quote);
    if (refs.length) {
      var more = refs.length > 1 ? " (+" + (refs.length - 1) + " more)" : "";
      parts.push(el("p", { "class": "src-ref" }, ["Reference: " + refs[0] + more]));
    }
    (c.library_documents || []).forEach(function (d) {
      var ask = el("button", { type: "button", "class": "in-library" }, ["Ask this study"]);
      ask.addEventListener("click", function () { this.onDocument(d.doc_id, d.title); }.bind(this));
      parts.push(el("p", { "class": "src-library" }, ["In this library: " + d.title + " ", ask]));
    }, this);
    parts.push(contextButton(c, quote));
    this.source.textContent = "";
    parts.forEach(function (p) { this.source.appendChild(p); }, this);
    this.source.setAttribute("aria-label", "Source " + c.marker);
    this.source.hidden = false;
    if (this.source.scrollIntoView) this.source.scrollIntoView({ block: "nearest" });
  };

  // "Show in context": the quoted span with the document's text around it (GET .../context), the span marked,
  // so a reader sees the sentence where the paper has it. Text only, as everything the server sends.
  function contextButton(c, quote) {
    var button = el("button", { type: "button", "class": "context" }, ["Show in context"]);
    button.addEventListener("click", function () {
      button.disabled = true;
      var url = API + "/v1/documents/" + encodeURIComponent(c.doc_id) + "/context?start=" + c.start +
        "&end=" + c.end;
      fetch(url).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      }).then(function (around) {
        quote.textContent = "";
        quote.classList.add("in-context");
        quote.appendChild(document.createTextNode((around.before ? "\u2026" : "") + around.before));
        quote.appendChild(el("mark", {}, [around.text]));
        quote.appendChild(document.createTextNode(around.after + (around.after ? "\u2026" : "")));
        button.remove();
      }, function () {
        button.disabled = false;
        button.textContent = "Context unavailable: try again";
      });
    });
    return button;
  }

  // ---- Start ---------------------------------------------------------------------------------------
  function start() {
    var widget = new Widget();
    document.body.appendChild(widget.host);
    document.addEventListener("click", function (e) {
      var target = e.target && e.target.closest ? e.target.closest("[data-neoqa-ask]") : null;
      if (!target) return;
      e.preventDefault();
      widget.ask(target.getAttribute("data-neoqa-ask") || target.textContent || "");
    });
    window.NeoQAWidget = {
      open: function () { widget.open(); },
      close: function () { widget.close(); },
      ask: function (question) { return widget.ask(question); },
      reset: function () { widget.reset(); },
      setDocuments: function (ids, label) { return widget.setDocuments(ids, label); }
    };
  }

  window.NeoQAWidget = { pending: true };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
