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
    // gradio puts a message's buttons in a bar right after the message's row; the
    // hidden .copy-text sits in that row (a user's question has none: copied as it is).
    const bar = button.closest(".message-buttons");
    let row = bar ? bar.previousElementSibling : null;
    while (row && !row.classList.contains("message-row")) {
      row = row.previousElementSibling;
    }
    const found = row ? row.querySelector(".copy-text") : null;
    return found ? found.textContent : null;
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
