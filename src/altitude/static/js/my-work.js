// My work: Enter in a timesheet cell saves it through htmx (instead of a full-page submit)
// and keeps the focus in that cell once the server has answered.
(function () {
  "use strict";
  var refocus = null;
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.classList || !input.classList.contains("hours")) { return; }
    event.preventDefault();
    refocus = input.closest("td").id;
    if (window.htmx) { window.htmx.trigger(input.form, "change"); }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!refocus) { return; }
    var cell = document.getElementById(refocus);
    refocus = null;
    var input = cell && cell.querySelector("input.hours");
    if (input) { input.focus(); input.select(); }
  });
})();
