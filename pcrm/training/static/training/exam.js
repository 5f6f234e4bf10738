// Exam countdown: shows the time left and submits the form when it reaches zero.
// The server enforces the deadline itself; this only spares the candidate a lost answer.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function start() {
    var clock = document.getElementById("countdown");
    var form = document.getElementById("exam-form");
    if (!clock || !form) { return; }
    var end = Date.now() + parseInt(clock.dataset.remaining || "0", 10) * 1000;
    var sent = false;
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      clock.textContent = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
      if (left <= 0 && !sent) {
        sent = true;
        form.dataset.auto = "1";
        form.submit();
        return;
      }
      window.setTimeout(tick, 250);
    }
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("[data-confirm]");
      if (form.dataset.auto !== "1" && button && !window.confirm(button.dataset.confirm)) {
        event.preventDefault();
      }
    });
    tick();
  }
  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("click", function (event) {
    if (event.target && event.target.hasAttribute && event.target.hasAttribute("data-print")) {
      window.print();
    }
  });
})();
