// A story's cited passages: each is a button that opens the claim it comes from (its verdict,
// who says so, its sources) beneath it. One opens at a time; Escape closes it and returns focus.
"use strict";
{
  const passages = [...document.querySelectorAll(".cited-passage[aria-controls]")];
  const noteOf = (button) => document.getElementById(button.getAttribute("aria-controls"));

  const close = (button, { focus = false } = {}) => {
    button.setAttribute("aria-expanded", "false");
    noteOf(button).hidden = true;
    if (focus) button.focus();
  };

  const open = (button) => {
    for (const other of passages) {
      if (other !== button && other.getAttribute("aria-expanded") === "true") close(other);
    }
    button.setAttribute("aria-expanded", "true");
    noteOf(button).hidden = false;
  };

  for (const button of passages) {
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-expanded") === "true") close(button);
      else open(button);
    });
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const button = passages.find((candidate) => candidate.getAttribute("aria-expanded") === "true");
    if (!button) return;
    const inside = event.target === button || noteOf(button).contains(event.target);
    close(button, { focus: inside });
  });
}
