// On the faction's website, beside the LandtagsTalk frame: set the frame's height to what
// the framed page reports. Messages from any other origin or window are ignored.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var origin = new URL(script.src).origin;
  function frames() {
    return document.querySelectorAll("iframe[data-landtagstalk-embed]");
  }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.landtagstalk !== "height") {
      return;
    }
    var height = Number(data.height);
    if (!(height > 0 && height < 20000)) {
      return;
    }
    var found = frames();
    for (var i = 0; i < found.length; i++) {
      if (found[i].contentWindow === event.source) {
        found[i].style.height = height + "px";
      }
    }
  });
  // Frames that loaded before this script have told their height already: ask again,
  // now and when each frame (re)loads.
  // The question holds nothing secret; "*" also reaches a frame still blank.
  function ask(frame) {
    if (frame.contentWindow) {
      frame.contentWindow.postMessage({ landtagstalk: "ask" }, "*");
    }
  }
  var present = frames();
  for (var j = 0; j < present.length; j++) {
    ask(present[j]);
    present[j].addEventListener("load", ask.bind(null, present[j]));
  }
})();
