// PHQ-9 / GAD-7 grid: keeps the total and severity band current as answers are ticked, and shows
// the self-harm warning (PHQ-9 item 9 above 0) before saving. The bands come from the server
// (data-bands, rendered from therapy.scoring), so the page and the saved score agree.
(function () {
  "use strict";
  function setUp(form) {
    var bands = JSON.parse(form.getAttribute("data-bands"));
    var selfHarmItem = form.getAttribute("data-self-harm-item");
    var total = form.querySelector("[data-measure-total]");
    var band = form.querySelector("[data-measure-band]");
    var answered = form.querySelector("[data-measure-answered]");
    var warning = document.getElementById("self-harm-warning");
    var items = form.querySelectorAll("fieldset.measure-item").length;

    function update() {
      var sum = 0;
      var count = 0;
      var selfHarm = 0;
      form.querySelectorAll("fieldset.measure-item input[type=radio]:checked").forEach(function (radio) {
        var points = parseInt(radio.value, 10);
        sum += points;
        count += 1;
        if (selfHarmItem && radio.name === "item_" + selfHarmItem) selfHarm = points;
      });
      var current = bands.find(function (b) { return b.low <= sum && sum <= b.high; });
      total.textContent = String(sum);
      band.textContent = current ? current.label : "";
      form.setAttribute("data-severity", current ? current.severity : "");
      answered.textContent = "(" + count + " of " + items + " answered)";
      if (warning) warning.hidden = !(selfHarm > 0);
    }

    form.addEventListener("change", function (event) {
      var radio = event.target;
      if (radio.type === "radio") {
        // An answered item is no longer invalid.
        form.querySelectorAll('input[name="' + radio.name + '"]').forEach(function (input) {
          input.removeAttribute("aria-invalid");
        });
        var fieldset = radio.closest("fieldset");
        if (fieldset) fieldset.classList.remove("has-error");
      }
      update();
    });
    update();
  }
  document.querySelectorAll("form[data-measure-form]").forEach(setUp);
  // A re-displayed form: take keyboard and screen-reader users to what needs fixing first.
  var summary = document.querySelector("form[data-measure-form] #error-summary");
  if (summary) summary.focus();
})();
