// Inside an embedded fact box or story card: tells the page that frames it how tall it is,
// so that /embed.js can size the frame to its content. It sends a height and nothing else.
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var sent = -1;

  function post(again) {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === sent && !again) {
      return;
    }
    sent = height;
    // "*": the embedding page's origin is not known here, and a height is no secret.
    window.parent.postMessage({ type: "newsroom:factbox-height", height: height, href: location.href }, "*");
  }

  window.addEventListener("load", function () {
    post(true);
  });
  // /embed.js may arrive after this frame has loaded (it is loaded async): it asks again then.
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.type === "newsroom:factbox-measure") {
      post(true);
    }
  });
  if ("ResizeObserver" in window) {
    new ResizeObserver(function () {
      post(false);
    }).observe(document.documentElement);
  } else {
    window.addEventListener("resize", function () {
      post(false);
    });
  }
})();
