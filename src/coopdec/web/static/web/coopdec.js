// coopdec: progressive enhancements shared by every page (no inline scripts, so a strict CSP holds).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // The site menu's button on narrow screens: it opens and closes the menu it controls.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".menu-toggle");
    if (!button) return;
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  });
  // A drawer (<details class="drawer">) is open on wide screens and folded on narrow ones.
  var drawers = document.querySelectorAll("details.drawer");
  if (drawers.length && window.matchMedia && window.matchMedia("(min-width: 50.01rem)").matches) {
    drawers.forEach(function (drawer) { drawer.open = true; });
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.classList && target.classList.contains("js-autosubmit") && target.form) {
      target.form.submit();
    }
  });
})();
