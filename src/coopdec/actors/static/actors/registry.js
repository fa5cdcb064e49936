// coopdec registry forms: language tabs over the per-language text fields (no inline scripts).
(function () {
  "use strict";
  function setUp(container) {
    var panels = Array.prototype.slice.call(container.querySelectorAll(".i18n-panel"));
    if (panels.length < 2) { return; }
    var tabs = document.createElement("div");
    tabs.className = "tabs";
    tabs.setAttribute("role", "tablist");
    function show(index) {
      panels.forEach(function (panel, i) {
        panel.hidden = i !== index;
        tabs.children[i].setAttribute("aria-selected", i === index ? "true" : "false");
      });
    }
    panels.forEach(function (panel, i) {
      var button = document.createElement("button");
      var field = panel.querySelector("input, textarea");
      button.type = "button";
      button.setAttribute("role", "tab");
      button.textContent = panel.getAttribute("data-language-name") + (field && field.value ? " ✓" : "");
      button.addEventListener("click", function () { show(i); if (field) { field.focus(); } });
      tabs.appendChild(button);
    });
    container.insertBefore(tabs, panels[0]);
    var first = 0;
    panels.some(function (panel, i) { var f = panel.querySelector("input, textarea"); if (f && f.value) { first = i; return true; } return false; });
    show(first);
  }
  document.querySelectorAll("[data-i18n]").forEach(setUp);
})();
