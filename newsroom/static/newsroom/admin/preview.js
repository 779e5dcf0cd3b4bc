// The story preview's width: a phone's (390 px) or the page's. Without script the frame is full width
// and the buttons only reload it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const frames = document.querySelector(".preview-frames");
  const buttons = document.querySelectorAll(".preview-width");
  if (!frames) return;
  const choose = (width) => {
    frames.dataset.width = width;
    buttons.forEach((button) => button.setAttribute("aria-pressed", String(button.dataset.width === width)));
  };
  buttons.forEach((button) =>
    button.addEventListener("click", (event) => {
      event.preventDefault();
      choose(button.dataset.width);
    }),
  );
  choose("desktop");
  document.querySelectorAll(".preview-link-url").forEach((input) => input.addEventListener("focus", () => input.select()));
});
