// The rule editor works without this script (every field of a condition is shown); it
// only hides the fields the chosen kind of condition does not use, so each card reads
// as one sentence: fact, comparison, value.
(function () {
  "use strict";
  var ALWAYS = ["group", "negate", "type"];
  var USES = {
    division_prefix: ["codes"], industry_prefix: ["codes"],
    size_class_in: ["codes"], tax_credit_in: ["codes"],
    qualification: ["qualification", "on", "min_years"],
    registration_age: ["on", "op", "value"],
    threshold: ["field", "years", "op", "value"],
    ratio: ["field", "field2", "years", "op", "value", "bands"],
    growth: ["field", "years", "span", "op", "value"],
    flag: ["field", "flag_value"],
    not_awarded: ["period"]
  };
  function refresh(card) {
    var select = card.querySelector('[data-field="type"] select');
    var kind = select ? select.value : "";
    var used = USES[kind] || [];  // no kind chosen yet: only the kind to choose
    card.querySelectorAll("[data-field]").forEach(function (box) {
      var name = box.getAttribute("data-field");
      var show = ALWAYS.indexOf(name) >= 0 || used.indexOf(name) >= 0 ||
        box.classList.contains("has-error");
      box.hidden = !show;
    });
  }
  document.querySelectorAll("[data-rule-row]").forEach(function (card) {
    refresh(card);
    card.addEventListener("change", function (event) {
      if (event.target.closest('[data-field="type"]')) refresh(card);
    });
  });
})();
