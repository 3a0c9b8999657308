// Risk form: offer only the responses that fit the kind (threat: avoid, mitigate, transfer,
// accept; opportunity: exploit, enhance, share, accept). Progressive enhancement: the
// server checks the same rule and names the field if the script is off.
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  var response = document.getElementById("id_response");
  if (!kind || !response) { return; }
  var allowed = {
    threat: ["avoid", "mitigate", "transfer", "accept"],
    opportunity: ["exploit", "enhance", "share", "accept"]
  };
  function sync() {
    var ok = allowed[kind.value] || [];
    Array.prototype.forEach.call(response.options, function (option) {
      var fits = ok.indexOf(option.value) >= 0;
      option.hidden = !fits;
      option.disabled = !fits;
    });
    if (ok.length && ok.indexOf(response.value) < 0) { response.value = "accept"; }
  }
  kind.addEventListener("change", sync);
  sync();
})();
