// Newsroom relations embeds, for the pages of other sites: turns each placeholder
// <div data-factbox="slug"> (optional data-version, data-theme, data-compact) into a frame of the fact box,
// takes over the frames of our embeds already in the page, and keeps every one of them as tall
// as its content. Including it more than once, or after the frames have loaded, does no harm.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src || typeof URL !== "function") {
    return;
  }
  // Embeds live beside this script: the site root, or the prefix the site is served under.
  var base = new URL(".", script.src);
  var origin = base.origin;
  var HEIGHT_MESSAGE = "newsroom:factbox-height";
  var MEASURE_MESSAGE = "newsroom:factbox-measure";
  var MIN_HEIGHT = 40;
  var MAX_HEIGHT = 20000;
  var FIRST_HEIGHT = 400;
  var SLUG = /^[-A-Za-z0-9_]+$/;
  var VERSION = /^[1-9][0-9]{0,8}$/;
  var THEMES = { light: true, dark: true };
  var EMBED_PATH = /^embed\/(factboxes\/[-A-Za-z0-9_]+\/(v\/[1-9][0-9]*\/)?|stories\/[-A-Za-z0-9_]+\/)$/;

  var state = (window.__newsroomEmbeds = window.__newsroomEmbeds || { listening: {} });

  function isOurs(src) {
    var url;
    try {
      url = new URL(src, document.baseURI);
    } catch (error) {
      return false;
    }
    if (url.origin !== origin || url.pathname.indexOf(base.pathname) !== 0) {
      return false;
    }
    return EMBED_PATH.test(url.pathname.slice(base.pathname.length));
  }

  function boxUrl(slug, version, theme, compact) {
    var url = new URL("embed/factboxes/" + slug + "/" + (version ? "v/" + version + "/" : ""), base);
    if (theme) {
      url.searchParams.set("theme", theme);
    }
    if (compact) {
      url.searchParams.set("compact", "1");
    }
    return url.href;
  }

  function prepare(frame, title) {
    frame.setAttribute("data-newsroom-embed", frame.getAttribute("data-newsroom-embed") || "factbox");
    if (!frame.getAttribute("title")) {
      frame.setAttribute("title", title || "Fact box");
    }
    frame.setAttribute("loading", "lazy");
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.display = "block";
  }

  function upgradePlaceholder(holder) {
    if (holder.hasAttribute("data-factbox-ready")) {
      return;
    }
    var slug = holder.getAttribute("data-factbox") || "";
    var version = holder.getAttribute("data-version") || "";
    var theme = holder.getAttribute("data-theme") || "";
    if (!SLUG.test(slug) || (version && !VERSION.test(version))) {
      return; // Not ours to guess: the fallback link stays.
    }
    var link = holder.querySelector("a");
    var title = holder.getAttribute("data-title") || (link ? link.textContent : "");
    var frame = document.createElement("iframe");
    prepare(frame, title.replace(/\s+/g, " ").trim());
    frame.style.height = FIRST_HEIGHT + "px";
    frame.src = boxUrl(slug, version, THEMES.hasOwnProperty(theme) ? theme : "", holder.hasAttribute("data-compact"));
    holder.setAttribute("data-factbox-ready", "");
    while (holder.firstChild) {
      holder.removeChild(holder.firstChild);
    }
    holder.appendChild(frame);
  }

  function upgradeFrame(frame) {
    if (!isOurs(frame.src)) {
      return;
    }
    prepare(frame, "");
    // The frame may have loaded, and said its height, before this script arrived: ask again.
    // Addressed to "*" because a frame not yet loaded (loading="lazy" below the fold) still holds
    // about:blank, of the host's origin, and a message addressed to our origin would be refused with
    // an error in the host's console. The request carries nothing; the answer is checked on arrival.
    if (frame.contentWindow) {
      frame.contentWindow.postMessage({ type: MEASURE_MESSAGE }, "*");
    }
  }

  function onMessage(event) {
    var data = event.data;
    if (event.origin !== origin || !data || typeof data !== "object" || data.type !== HEIGHT_MESSAGE) {
      return;
    }
    var height = data.height;
    if (typeof height !== "number" || !isFinite(height) || height <= 0) {
      return;
    }
    height = Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.ceil(height)));
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source && isOurs(frames[i].src)) {
        frames[i].style.height = height + "px";
        return;
      }
    }
  }

  function scan() {
    var holders = document.querySelectorAll("div[data-factbox]");
    for (var i = 0; i < holders.length; i++) {
      upgradePlaceholder(holders[i]);
    }
    var frames = document.querySelectorAll("iframe[src]");
    for (var j = 0; j < frames.length; j++) {
      upgradeFrame(frames[j]);
    }
  }

  if (!state.listening[origin]) {
    state.listening[origin] = true;
    window.addEventListener("message", onMessage);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  } else {
    scan();
  }
})();
