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
  // unfolded in the sources panel and the paragraph brought into view by scrolling the
  // panel alone (the chat stays where it is); the answer's heading stays pinned above it.
  // A PDF paragraph's page image is scrolled to its highlight. Clicking inside an answer
  // also makes the server re-draw the panel at that answer (chat.select): the paragraph
  // is brought back into view when that new panel arrives.
  let pending = null;

  function panelOf(el) {
    return el.closest("#sources");
  }

  function scrollPanelTo(panel, el, offsetInEl) {
    // Scroll ``panel`` so that ``el`` (plus offsetInEl px into it) sits just under the
    // pinned heading of its turn.
    const turn = el.closest("details.turn");
    const pinned = turn ? turn.querySelector(":scope > summary") : null;
    const under = pinned ? pinned.getBoundingClientRect().height + 6 : 6;
    const delta = el.getBoundingClientRect().top - panel.getBoundingClientRect().top;
    panel.scrollTop += delta + (offsetInEl || 0) - under;
  }

  function toHighlight(target) {
    // Once the page image is there, scroll so its highlight is in view (the server says
    // where it is on the image: /paracite/page/<id>.json).
    const figure = target.querySelector("figure.page");
    if (!figure) {
      return;
    }
    const img = figure.querySelector("img");
    const panel = panelOf(target);
    const go = function () {
      fetch(img.getAttribute("src").replace(/\.png$/, ".json"))
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (box) {
          if (!box || box.top === null || !panel) {
            return;
          }
          const h = img.getBoundingClientRect().height;
          const mid = (box.top + box.bottom) / 2 * h;
          const view = panel.clientHeight;
          // keep the card's heading in view when the highlight fits below it
          const imgTop = img.getBoundingClientRect().top - target.getBoundingClientRect().top;
          if (imgTop + box.bottom * h < view * 0.85) {
            return;
          }
          scrollPanelTo(panel, img, Math.max(0, mid - view * 0.4));
        })
        .catch(function () {});
    };
    img.loading = "eager";
    if (img.complete && img.naturalWidth > 0) {
      go();
    } else {
      img.addEventListener("load", go, {once: true});
    }
  }

  function reveal(id) {
    const target = document.getElementById(id);
    if (!target) {
      return false;
    }
    for (let d = target.closest("details"); d; d = d.parentElement.closest("details")) {
      d.open = true;
    }
    const panel = panelOf(target);
    if (panel) {
      scrollPanelTo(panel, target, 0);
      toHighlight(target);
    } else {
      target.scrollIntoView({block: "start", behavior: "instant"});
    }
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

  // One question at a time. While an answer is being written the server disables Ask;
  // a question sent meanwhile (Enter, or a suggested question) is not lost: it is queued,
  // shown under the box as queued, and asked as soon as the answer is there, in order.
  const queue = [];
  let waiting = false;   // a question was sent and its answer has not come back yet
  let sawBusy = false;   // the server disabled Ask for it
  let sentAt = 0;

  function box() {
    return document.querySelector("#question textarea");
  }

  function askButton() {
    return document.querySelector("button#ask") || document.querySelector("#ask button");
  }

  function busy() {
    const b = askButton();
    return waiting || (b !== null && b.disabled);
  }

  function setBox(text) {
    const t = box();
    if (!t) {
      return;
    }
    t.value = text;
    t.dispatchEvent(new Event("input", {bubbles: true}));
  }

  function showQueue() {
    let list = document.getElementById("queued");
    const anchor = document.getElementById("question");
    if (!anchor) {
      return;
    }
    if (!list) {
      list = document.createElement("div");
      list.id = "queued";
      list.setAttribute("role", "status");
      list.setAttribute("aria-live", "polite");
      const row = anchor.closest(".row") || anchor;
      row.insertAdjacentElement("afterend", list);
    }
    list.textContent = "";
    queue.forEach(function (q, i) {
      const line = document.createElement("div");
      line.className = "queued-question";
      line.textContent = "Queued " + (i + 1) + ": " + q +
        " (asked when the answer above is ready)";
      list.appendChild(line);
    });
  }

  function sent() {
    waiting = true;
    sawBusy = false;
    sentAt = Date.now();
  }

  function send(text) {
    setBox(text);
    sent();
    // gradio reads the box when Ask is clicked: let the input event land first
    setTimeout(function () {
      const b = askButton();
      if (b) {
        b.click();
      }
    }, 60);
  }

  function drain() {
    if (busy() || !queue.length) {
      return;
    }
    const next = queue.shift();
    showQueue();
    send(next);
  }

  function enqueue(text) {
    queue.push(text);
    showQueue();
  }

  function onAskState() {
    const b = askButton();
    if (!b) {
      return;
    }
    if (b.disabled) {
      sawBusy = true;
    } else if (waiting && sawBusy) {
      waiting = false;
      setTimeout(drain, 0);
    }
  }

  new MutationObserver(onAskState).observe(document.documentElement,
    {subtree: true, attributes: true, attributeFilter: ["disabled"], childList: true});

  // A question that never disabled Ask (empty, too long, lost) does not block the queue:
  // after a while the next one is sent; gradio holds it if the first is still running.
  setInterval(function () {
    if (waiting && !sawBusy && Date.now() - sentAt > 8000) {
      waiting = false;
      drain();
    }
  }, 500);

  document.addEventListener("keydown", function (event) {
    const t = event.target;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || !t ||
        !t.closest || !t.closest("#question")) {
      return;
    }
    const text = (t.value || "").trim();
    if (busy()) {
      event.preventDefault();
      event.stopImmediatePropagation();
      if (text) {
        enqueue(text);
        setBox("");
      }
    } else if (text) {
      sent();
    }
  }, true);

  document.addEventListener("click", function (event) {
    const target = event.target;
    if (!target || !target.closest) {
      return;
    }
    if (target.closest("#ask")) {
      const t = box();
      if (t && (t.value || "").trim()) {
        sent();
      }
      return;
    }
    const suggestion = target.closest(".suggestion");
    if (suggestion) {
      event.preventDefault();
      event.stopImmediatePropagation();
      const text = (suggestion.textContent || "").trim();
      if (!text) {
        return;
      }
      if (busy()) {
        enqueue(text);
      } else {
        send(text);
      }
    }
  }, true);
})();
