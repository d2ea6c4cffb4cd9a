/* Small behaviours without inline handlers (the Content-Security-Policy forbids them):
   data-print prints the page; data-autosubmit submits its form when changed; a form sent
   back with errors brings its first wrong field into view. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) { window.print(); }
  });
  document.addEventListener("change", function (event) {
    var target = event.target.closest("[data-autosubmit]");
    if (target && target.form) { target.form.submit(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var wrong = document.querySelector("[aria-invalid=true], .field-error");
    if (wrong) {
      wrong.scrollIntoView({ block: "center" });
      if (wrong.focus) { wrong.focus({ preventScroll: true }); }
    }
  });
})();
