// Live alerts on every staff page: listens to /notify/stream/ (SSE) and shows each
// event without a reload. Served as a static file (CSP: no inline script).
(function () {
  "use strict";
  var box = document.getElementById("live-alerts");
  if (!box || !window.EventSource) { return; }
  var source = new EventSource(box.dataset.stream);
  var closeLabel = box.dataset.close || "×";

  function show(event) {
    var item = document.createElement("div");
    item.className = "msg live-alert";
    item.dataset.kind = event.kind || "";
    var title = document.createElement("strong");
    title.textContent = event.title || "";
    item.appendChild(title);
    if (event.body) {
      var body = document.createElement("div");
      body.textContent = event.body;
      item.appendChild(body);
    }
    if (event.url) {
      var link = document.createElement("a");
      link.href = event.url;
      link.textContent = event.link_label || event.url;
      item.appendChild(link);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "link";
    close.textContent = closeLabel;
    close.setAttribute("aria-label", closeLabel);
    close.addEventListener("click", function () { item.remove(); });
    item.appendChild(close);
    box.prepend(item);
    document.dispatchEvent(new CustomEvent("pcrm:live-alert", { detail: event }));
  }

  source.addEventListener("alert", function (message) {
    try {
      show(JSON.parse(message.data).event || {});
    } catch (err) {
      // A malformed event is dropped; the stream stays open.
    }
  });
  box.dataset.connected = "0";
  source.addEventListener("open", function () { box.dataset.connected = "1"; });
  source.addEventListener("error", function () { box.dataset.connected = "0"; });
})();
