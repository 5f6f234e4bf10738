// Small page behaviours shared by every staff page (served locally; CSP allows 'self').
document.addEventListener("htmx:responseError", function (event) {
  var box = document.querySelector(".messages") || document.createElement("ul");
  box.className = "messages";
  var item = document.createElement("li");
  item.className = "msg error";
  item.textContent = event.detail.xhr.status === 404 ? "记录不存在或无权查看。" : "操作未成功，请稍后重试。";
  box.appendChild(item);
  document.getElementById("main").prepend(box);
});
