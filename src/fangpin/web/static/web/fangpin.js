/* Small behaviours without inline handlers (the Content-Security-Policy forbids them):
   data-print prints the page; data-autosubmit submits its form when changed. */
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
})();
