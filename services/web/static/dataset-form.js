// The dataset form as people fill it in: only the chosen type's fields, the "other" box when its choice is
// made, and only the classifications the chosen category allows (the profile's rule, sent in data-rule).
// The server checks all of it again; without this script the form still works, one round trip at a time.
(function () {
  "use strict";
  var form = document.getElementById("dataset-form");
  if (!form) return;
  var rule = JSON.parse(form.dataset.rule);
  var codes = JSON.parse(form.dataset.typeCodes);

  function values(name) {
    var chosen = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
      if ((el.type === "checkbox" || el.type === "radio") ? el.checked : el.value) chosen.push(el.value);
    });
    return chosen;
  }
  function show(box, visible) {
    box.hidden = !visible;
    box.querySelectorAll("input, select, textarea, fieldset").forEach(function (el) { el.disabled = !visible; });
  }
  function applyType() {
    var code = codes[values("data_type")[0] || ""] || null;
    form.querySelectorAll(".field[data-types]").forEach(function (box) {
      if (box.dataset.key === "data_type") return;
      var forType = code !== null && box.dataset.types.indexOf(code) >= 0;
      box.dataset.forType = forType ? "1" : "0";
      show(box, forType && otherOpen(box));
    });
  }
  function otherOpen(box) {
    if (!box.dataset.otherOf) return true;
    return values(box.dataset.otherOf).indexOf(box.dataset.otherValue) >= 0;
  }
  function applyOthers() {
    form.querySelectorAll(".field[data-other-of]").forEach(function (box) {
      if (box.dataset.forType === "0") return;
      show(box, otherOpen(box));
    });
  }
  function applyRule() {
    var select = form.querySelector('select[name="' + rule.classification + '"]');
    if (!select) return;
    var allowed = rule.allowed[values(rule.category)[0] || ""] || null;
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) return;
      option.disabled = allowed !== null && allowed.indexOf(option.value) < 0;
    });
    if (select.selectedOptions.length && select.selectedOptions[0].disabled) select.value = "";
    if (allowed !== null && allowed.length === 1) select.value = allowed[0];
  }
  form.addEventListener("change", function (event) {
    var name = event.target.name;
    if (name === "data_type") applyType();
    if (name === rule.category) applyRule();
    applyOthers();
  });
  applyType();
  applyOthers();
  applyRule();
  var errors = document.getElementById("form-errors");
  if (errors) errors.focus();
})();
