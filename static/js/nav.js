// Drop-down menus of the top bar are <details> elements, usable without this script.
// It only closes the other menus when one opens, and all of them on a click elsewhere
// or Escape.
(function () {
  "use strict";
  function menus() { return document.querySelectorAll("details.navgroup"); }
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.matches || !opened.matches("details.navgroup") || !opened.open) return;
    menus().forEach(function (m) { if (m !== opened) m.open = false; });
  }, true);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("details.navgroup")) return;
    menus().forEach(function (m) { m.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") menus().forEach(function (m) { m.open = false; });
  });
})();
