// paracite's page script (served from /paracite/static, allowed by the page's CSP as
// 'self'; no inline code, no eval).
//
// Copy as plain text: gradio's copy button copies a message's Markdown source (links,
// <sub> tags). Every answer carries a hidden plain version (the answer, then one line per
// source: "[1] UNODC/CCPCJ/EG.4/2017/4, ¶52, p. 9"); a click on a message's copy button
// copies that instead.
(function () {
  "use strict";

  function plainTextNear(button) {
    // The message row the button belongs to holds the hidden .copy-text.
    let node = button;
    for (let i = 0; node && i < 8; i += 1, node = node.parentElement) {
      const found = node.querySelector && node.querySelector(".copy-text");
      if (found) {
        return found.textContent;
      }
    }
    return null;
  }

  function isCopyButton(el) {
    const label = ((el.getAttribute("aria-label") || "") + " " + (el.title || "")).toLowerCase();
    return label.includes("copy");
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("#chat button");
    if (!button || !isCopyButton(button)) {
      return;
    }
    const text = plainTextNear(button);
    if (text === null || !navigator.clipboard) {
      return; // gradio's own copy goes ahead
    }
    event.stopImmediatePropagation();
    event.preventDefault();
    navigator.clipboard.writeText(text).then(function () {
      button.setAttribute("data-copied", "plain");
    });
  }, true);
})();
