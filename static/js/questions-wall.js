// The presenter view refreshes its list of questions by itself, every few seconds, and can
// be paused (WCAG 2.2.1): the page is fetched again and only the list is replaced, so the
// screen does not flash and the focus stays where it is. Without script: "Refresh now".
(function () {
  "use strict";
  var seconds = parseInt(document.body.getAttribute("data-refresh-seconds"), 10) || 15;
  var controls = document.querySelector(".auto-refresh");
  var pause = document.querySelector("[data-pause]");
  var paused = false;
  if (!controls || !pause || !window.fetch) return;
  controls.hidden = false;
  pause.addEventListener("click", function () {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
  });
  window.setInterval(function () {
    if (paused) return;
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("wall");
        var wall = document.getElementById("wall");
        if (fresh && wall) wall.replaceWith(fresh);
      })
      .catch(function () {});
  }, seconds * 1000);
})();
