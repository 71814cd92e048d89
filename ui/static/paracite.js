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

  // A citation marker opens its own answer's paragraph: the turn it belongs to is
  // unfolded in the sources panel and the paragraph scrolled into view. Clicking inside
  // an answer also makes the server re-draw the panel at that answer (chat.select): the
  // paragraph is brought back into view when that new panel arrives.
  let pending = null;

  function reveal(id) {
    const target = document.getElementById(id);
    if (!target) {
      return false;
    }
    for (let d = target.closest("details"); d; d = d.parentElement.closest("details")) {
      d.open = true;
    }
    target.scrollIntoView({block: "start", behavior: "instant"});
    target.classList.add("flash");
    setTimeout(function () { target.classList.remove("flash"); }, 1500);
    return true;
  }

  new MutationObserver(function () {
    if (!pending || Date.now() > pending.until) {
      return;
    }
    const now = document.getElementById(pending.id);
    if (now && now !== pending.el) {  // the panel was drawn anew: show it there again
      pending.el = now;
      reveal(pending.id);
    }
  }).observe(document.documentElement, {childList: true, subtree: true});

  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("a[href^='#src-']");
    if (!link) {
      return;
    }
    const id = link.getAttribute("href").slice(1);
    if (reveal(id)) {
      event.preventDefault();
      pending = {id: id, el: document.getElementById(id), until: Date.now() + 10000};
    }
  }, true);
})();
