// Page behaviour that used to be inline script and handlers: with none left in the templates, the
// Content-Security-Policy allows scripts from this site only (no 'unsafe-inline', no eval).
(function () {
  "use strict";

  // <button data-fill="message">text</button>: put the button's text into the field and focus it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-fill]");
    if (!button) return;
    var field = document.getElementById(button.dataset.fill);
    if (field) {
      field.value = button.textContent;
      field.focus();
      field.dispatchEvent(new Event("change", { bubbles: true })); // forms that check on change re-check
    }
  });

  // <textarea data-ctrl-enter-submits>: Ctrl+Enter (Cmd+Enter) sends its form.
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("textarea[data-ctrl-enter-submits]")) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      field.form.requestSubmit();
    }
  });

  // <form data-reset-on-success>: cleared once htmx has sent it successfully.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (event.detail.successful && form && form.matches && form.matches("form[data-reset-on-success]")) {
      form.reset();
    }
  });

  // <textarea data-keep-draft id=...>: unsent text survives an expired session. It is kept in this tab's
  // sessionStorage while typed (and when sent), dropped once the server accepted it, and put back into
  // the empty field when the page opens again (after signing in, the app returns to the same page).
  var DRAFT = "assistant-draft:";
  function draftKey(field) {
    return DRAFT + location.pathname + "#" + field.id;
  }
  function keepDraft(field) {
    try {
      if (field.value.trim()) sessionStorage.setItem(draftKey(field), field.value);
      else sessionStorage.removeItem(draftKey(field));
    } catch (e) { /* storage full or disabled: nothing to keep */ }
  }
  function draftFields(root) {
    return root && root.querySelectorAll ? root.querySelectorAll("[data-keep-draft][id]") : [];
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-keep-draft][id]")) keepDraft(event.target);
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    draftFields(event.detail && event.detail.elt).forEach(keepDraft);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var redirected = xhr && xhr.getResponseHeader && xhr.getResponseHeader("HX-Redirect");
    if (!event.detail.successful || redirected) return;
    draftFields(event.detail.elt).forEach(function (field) {
      try { sessionStorage.removeItem(draftKey(field)); } catch (e) { /* ignore */ }
    });
  });
  function restoreDrafts() {
    draftFields(document).forEach(function (field) {
      var saved = null;
      try { saved = sessionStorage.getItem(draftKey(field)); } catch (e) { return; }
      if (!saved || field.value.trim()) return;
      field.value = saved;
      var note = document.createElement("div");
      note.className = "alert alert-warn draft-restored";
      note.setAttribute("role", "status");
      note.textContent = "Your unsent text was kept while you signed in again. Check it, then send it.";
      field.parentNode.insertBefore(note, field);
      field.focus();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", restoreDrafts);
  else restoreDrafts();
})();
