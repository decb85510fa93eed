// Check-in / check-out with the browser's location. The server computes the distance
// to the enterprise's registered location and says what happened.
(function () {
  "use strict";
  function init() {
    var box = document.getElementById("checkin");
    if (!box) return;
    var status = document.getElementById("geo-status");
    var token = box.querySelector("input[name=csrfmiddlewaretoken]");
    box.querySelectorAll("button[data-kind]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (!navigator.geolocation) {
          show("bad", "此浏览器不支持定位，无法打卡。");
          return;
        }
        button.disabled = true;
        show("", "正在获取位置……");
        navigator.geolocation.getCurrentPosition(function (pos) {
          var body = new URLSearchParams();
          body.set("kind", button.dataset.kind);
          body.set("lat", pos.coords.latitude);
          body.set("lng", pos.coords.longitude);
          body.set("accuracy", pos.coords.accuracy || "");
          fetch(box.dataset.url, {
            method: "POST",
            headers: {"Accept": "application/json", "X-CSRFToken": token.value},
            body: body,
            credentials: "same-origin"
          }).then(function (r) { return r.json(); }).then(function (data) {
            show(data.ok ? (data.flagged ? "warn" : "ok") : "bad", data.message);
            if (data.ok) { button.style.display = "none"; setTimeout(function () { window.location.reload(); }, 4000); }
            else { button.disabled = false; }
          }).catch(function () {
            show("bad", "网络异常，打卡未完成，请重试。");
            button.disabled = false;
          });
        }, function () {
          show("bad", "未能取得位置：请在浏览器设置中允许使用位置信息后重试。");
          button.disabled = false;
        }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 0});
      });
    });
    function show(kind, text) {
      status.className = "geo-status" + (kind ? " " + kind : "");
      status.textContent = text;
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
