// The partners' page: a "Copy" button on each code sample. Without scripts, or without the
// clipboard, there is no button and the samples are selected and copied as any text is.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("figure.code").forEach(function (figure) {
    var pre = figure.querySelector("pre");
    var caption = figure.querySelector("figcaption");
    if (!pre || !caption || figure.classList.contains("code-answer")) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(pre.textContent).then(
        function () {
          button.textContent = "Copied";
          status.textContent = "Copied to the clipboard";
          setTimeout(function () {
            button.textContent = "Copy";
            status.textContent = "";
          }, 2000);
        },
        function () {
          status.textContent = "Could not copy: select the text instead";
        }
      );
    });
    caption.appendChild(button);
    caption.appendChild(status);
  });
})();
