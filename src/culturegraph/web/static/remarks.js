// "Signaler une erreur" without leaving the page (progressive enhancement: without this script every
// link opens the report form, /remarques/signaler, which works on its own). With it, the form of the
// link's value opens in a dialog on the resource page, is posted with fetch (the same form, CSRF token
// and session cookie), and the answer (the permalink page, or the form with its errors) replaces it.
// Nothing from the server is inserted as markup it did not send for that purpose: the dialog takes the
// server's own <main> content, which the server escaped.
(function () {
  "use strict";
  if (typeof window.fetch !== "function" || typeof DOMParser === "undefined") return;
  var links = document.querySelectorAll("a.signal");  // the general report link opens the form page
  if (!links.length) return;
  var dialog = document.createElement("dialog");
  dialog.className = "remark-dialog";
  dialog.setAttribute("aria-labelledby", "remark-dialog-title");
  var close = document.createElement("button");
  close.type = "button";
  close.className = "remark-dialog-close";
  close.textContent = "Fermer";
  var body = document.createElement("div");
  body.className = "remark-dialog-body";
  dialog.appendChild(close);
  dialog.appendChild(body);
  document.body.appendChild(dialog);
  close.addEventListener("click", function () { dialog.close(); });

  function show(html, fallback) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var main = doc.querySelector("main");
    if (!main) { window.location.href = fallback; return; }
    body.replaceChildren.apply(body, Array.prototype.slice.call(main.childNodes).map(function (n) {
      return document.importNode(n, true);
    }));
    var title = body.querySelector("h1");
    if (title) title.id = "remark-dialog-title";
    var form = body.querySelector("form.remark-form");
    if (form) form.addEventListener("submit", submit);
    if (!dialog.open) dialog.showModal();
    var first = body.querySelector("textarea, input[type=radio]:checked, h1");
    if (first) { if (first.tagName === "H1") first.tabIndex = -1; first.focus(); }
  }

  function load(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.text().then(function (t) { show(t, url); }); })
      .catch(function () { window.location.href = url; });
  }

  function submit(event) {
    var form = event.target;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)),
                         credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.text().then(function (t) { show(t, form.action); }); })
      .catch(function () { if (button) button.disabled = false; form.submit(); });
  }

  Array.prototype.forEach.call(links, function (a) {
    a.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;  // a new tab: the page
      event.preventDefault();
      load(a.href);
    });
  });
})();
