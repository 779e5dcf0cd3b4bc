// Fact box change page: copy buttons for the embed snippets, the preview's theme links, and a
// preview frame as tall as the box it shows.
"use strict";
(function () {
  function copy(textarea) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(textarea.value);
    }
    // Plain-HTTP admins (development) have no clipboard API: the old selection route still works there.
    textarea.focus();
    textarea.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-copy]");
    if (button) {
      const textarea = document.getElementById(button.dataset.copy);
      const status = button.nextElementSibling;
      copy(textarea).then(
        function () { status.textContent = "Copied."; },
        function () { textarea.select(); status.textContent = "Selected: press Ctrl+C (⌘C) to copy."; }
      );
      return;
    }
    const theme = event.target.closest(".factbox-themes a");
    if (theme) {
      theme.parentElement.querySelectorAll("a").forEach(function (link) { link.removeAttribute("aria-current"); });
      theme.setAttribute("aria-current", "true");
    }
  });

  // The embed page inside the frame reports its height, as it does to /embed.js on other sites.
  window.addEventListener("message", function (event) {
    const frame = document.querySelector("iframe.factbox-preview-frame");
    const data = event.data;
    if (!frame || event.origin !== window.location.origin || event.source !== frame.contentWindow) {
      return;
    }
    if (data && data.type === "newsroom:factbox-height" && typeof data.height === "number" && data.height > 0) {
      frame.style.height = Math.min(4000, Math.ceil(data.height)) + "px";
    }
  });
})();
