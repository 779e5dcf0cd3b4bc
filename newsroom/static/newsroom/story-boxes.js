// Long fact boxes on a story page fold to a set height, with a button to show them whole and fold them again.
// The page is whole without this script (and in print): only the script folds, so nothing is ever out of reach.
"use strict";
{
  const rem = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  // Folded to 36rem (site.css), and only when that hides at least 12rem more, so no box loses a line or two.
  const FOLD = 36;
  const WORTH = 12;
  const holders = [...document.querySelectorAll(".story-factbox")];

  const label = (button, expanded) => {
    button.firstChild.textContent = expanded ? "Show less" : "Show all";
    button.setAttribute("aria-expanded", String(expanded));
  };

  const fold = (holder, folded) => {
    holder.classList.toggle("is-folded", folded);
    const button = holder.querySelector(".box-fold");
    if (button) label(button, !folded);
  };

  const unfold = (holder) => {
    holder.dataset.touched = "true";
    fold(holder, false);
  };

  const button = (holder, box) => {
    const control = document.createElement("button");
    control.type = "button";
    control.className = "box-fold";
    control.setAttribute("aria-controls", box.id);
    control.append(document.createTextNode("Show all"));
    const title = box.querySelector(".fb-title");
    if (title) {
      const which = document.createElement("span");
      which.className = "visually-hidden";
      which.textContent = ` of “${title.textContent.trim()}”`;
      control.append(which);
    }
    control.addEventListener("click", () => {
      const folding = !holder.classList.contains("is-folded");
      holder.dataset.touched = "true";
      fold(holder, folding);
      // Folding pulls the button up the page: keep it where the reader is looking.
      if (folding) control.scrollIntoView({ block: "nearest" });
    });
    holder.append(control);
    return control;
  };

  const measure = () => {
    for (const holder of holders) {
      if (holder.dataset.touched) continue; // the reader chose: a resize does not undo it
      const box = holder.querySelector(".factbox");
      if (!box || !box.id) continue;
      holder.classList.remove("is-folded");
      const long = box.scrollHeight > (FOLD + WORTH) * rem();
      const control = holder.querySelector(".box-fold") || (long ? button(holder, box) : null);
      if (control) control.hidden = !long;
      fold(holder, long);
    }
  };

  for (const holder of holders) {
    // Whatever the reader reaches inside a folded box (a link by Tab, a source by its number) unfolds it first.
    holder.addEventListener("focusin", (event) => {
      if (holder.classList.contains("is-folded") && !event.target.classList.contains("box-fold")) unfold(holder);
    });
    holder.addEventListener("click", (event) => {
      if (event.target.closest(".fb-ref") && holder.classList.contains("is-folded")) unfold(holder);
    });
  }

  measure();
  let pending = 0;
  let width = window.innerWidth;
  window.addEventListener("resize", () => {
    if (window.innerWidth === width) return; // a phone's toolbar sliding away changes only the height
    width = window.innerWidth;
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(measure);
  });
}
