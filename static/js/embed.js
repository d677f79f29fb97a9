// Inside a frame on the faction's website: tell the page around it how tall this page is,
// so the frame grows with its content instead of showing a scroll bar.
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var last = 0;
  function send(always) {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (always === true || height !== last) {
      last = height;
      window.parent.postMessage({ landtagstalk: "height", height: height }, "*");
    }
  }
  window.addEventListener("load", send);
  // The page around may load its script after this page spoke: it asks again.
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.landtagstalk === "ask") {
      send(true);
    }
  });
  if ("ResizeObserver" in window) {
    new ResizeObserver(send).observe(document.documentElement);
  } else {
    window.addEventListener("resize", send);
  }
  send();
})();
