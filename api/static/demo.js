/*
 * The demo page's library: its size, its first documents (or those a search finds), a button per document that
 * keeps the widget's answers to it (window.NeoQAWidget.setDocuments), and the files that could not be read.
 * The examples are about the built-in reviews: a library of one's own (GET /readyz says "own") hides them.
 * Server text is rendered as text only.
 */
(function () {
  "use strict";
  var SHOWN = 50; // documents listed; the chat asks all of them
  var byId = function (id) { return document.getElementById(id); };

  function text(tag, value) {
    var node = document.createElement(tag);
    node.textContent = value;
    return node;
  }

  function keepTo(doc) {
    var widget = window.NeoQAWidget;
    if (!widget || !widget.setDocuments(doc ? [doc.doc_id] : [], doc ? "\u201C" + doc.title + "\u201D" : "")) return;
    byId("scope").textContent = doc ? "\u201C" + doc.title + "\u201D only" : "all documents";
    byId("whole-library").hidden = !doc;
    widget.open();
  }

  // One page of documents (GET /v1/documents), each with its "Ask this one" button.
  function list(page) {
    var items = byId("library");
    items.textContent = "";
    page.documents.forEach(function (doc) {
      var item = document.createElement("li");
      item.appendChild(text("span", doc.title + (doc.year ? " (" + doc.year + ")" : "")));
      var button = text("button", "Ask this one");
      button.type = "button";
      button.setAttribute("aria-label", "Ask only " + doc.title);
      button.addEventListener("click", function () { keepTo(doc); });
      item.appendChild(button);
      items.appendChild(item);
    });
  }

  // The documents whose id, title, authors or journal hold what is typed (all of them for nothing typed).
  function find() {
    var typed = byId("find").value.trim();
    fetch("/v1/documents?limit=" + SHOWN + (typed ? "&q=" + encodeURIComponent(typed) : "")).then(function (r) {
      return r.ok ? r.json().then(function (page) {
        list(page);
        byId("found").textContent = typed ? page.total + " found" + (page.total > SHOWN ? ", the first " +
          SHOWN + " listed" : "") + "." : "";
      }) : null;
    }).catch(function () { /* the list stays as it was */ });
  }

  function showSkipped(skipped) {  // files of the library's folders that could not be read
    if (!skipped || !skipped.length) return;
    var box = byId("skipped");
    box.appendChild(text("p", "Not indexed (" + skipped.length + "): these files could not be read."));
    var reasons = document.createElement("ul");
    skipped.forEach(function (why) { reasons.appendChild(text("li", why)); });
    box.appendChild(reasons);
    box.hidden = false;
  }

  function show(ready, page) {
    if (ready.library === "own") {
      byId("heading").textContent = "Questions about your documents";
      byId("examples").hidden = true;
      byId("examples-intro").hidden = true;
    }
    list(page);
    var more = page.total > page.documents.length ? " (the first " + page.documents.length + " are listed)" : "";
    byId("library-size").textContent = page.total + " document" + (page.total === 1 ? "" : "s") + more + ".";
    showSkipped(page.skipped);
    byId("whole-library").addEventListener("click", function () { keepTo(null); });
    byId("find-form").addEventListener("submit", function (e) { e.preventDefault(); find(); });
    byId("documents").hidden = false;
  }

  function load(attempt) {
    fetch("/readyz").then(function (r) {
      if (r.status === 503 && attempt < 60) { setTimeout(function () { load(attempt + 1); }, 2000); return null; }
      if (!r.ok) return null;
      return r.json().then(function (ready) {
        return fetch("/v1/documents?limit=" + SHOWN).then(function (d) {
          return d.ok ? d.json().then(function (page) { show(ready, page); }) : null;
        });
      });
    }).catch(function () { /* the page still works: the widget asks the whole library */ });
  }

  load(0);
})();
