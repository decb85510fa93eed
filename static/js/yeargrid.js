// The year grid works without this script (each day is a checkbox); it only keeps the
// count of rest days up to date while the administrator clicks.
(function () {
  "use strict";
  var form = document.querySelector(".yeargrid-form");
  var counter = document.querySelector("[data-rest-count]");
  if (!form || !counter) return;
  form.addEventListener("change", function () {
    counter.textContent = form.querySelectorAll('input[name="rest"]:checked').length;
  });
})();
