/* Every staff page, for what Django's own widgets leave out (WCAG 4.1.2, 1.3.1):
   - the filter boxes put an aria-label on a plain <span>: as an image it is allowed;
   - date and time inputs of a split field are named only by the text before them
     ("Datum:", "Zeit:"); our own forms name them on the server (events/editor.py). */
"use strict";
window.addEventListener("load", function () {
  document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
    icon.setAttribute("role", "img");
  });
  document.querySelectorAll("p.datetime input:not([aria-label])").forEach(function (input) {
    let node = input.previousSibling;
    while (node && !(node.nodeType === Node.TEXT_NODE && node.textContent.trim())) {
      node = node.previousSibling;
    }
    if (node) {
      input.setAttribute("aria-label", node.textContent.trim().replace(/:$/, ""));
    }
  });
});
