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
})();
