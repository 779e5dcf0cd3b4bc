// Fact box change page: copy buttons for the embed snippets, the preview's theme links, a preview
// frame as tall as the box it shows, the "Add …" buttons and up/down moves of the items, and the live
// preview: the form as it stands, posted to the preview view into the frame, debounced.
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

  // The page's script is in its head: the items and the preview are there once the document is parsed.
  function setUp() {
    // --- Items: one "Add …" button per kind, and moves for the keyboard --------------------------

    const group = document.getElementById("items-group");
    let pendingKind = "";

    function showKind(row, kind) {
      row.dataset.itemKind = kind;
      const input = row.querySelector('input[name$="-kind"]');
      if (input) {
        input.value = kind;
      }
      row.querySelectorAll(".factbox-item-field").forEach(function (field) {
        field.hidden = field.dataset.kind !== kind;
      });
    }

    function focusKind(row, kind) {
      const field = row.querySelector('.factbox-item-field[data-kind="' + kind + '"]');
      if (!field) {
        return;
      }
      const select2 = field.querySelector(".select2-selection");
      const control = select2 || field.querySelector("input, select, textarea");
      if (control) {
        control.focus();
      }
    }

    function renumber(tbody) {
      // As django-admin-sortable2 does after a drag: saved rows 1, 2, 3… in the order shown.
      tbody.querySelectorAll("tr.has_original").forEach(function (row, index) {
        const input = row.querySelector("input._reorder_");
        if (input) {
          input.value = String(index + 1);
        }
      });
    }

    // The date line of each item shows for timelines: it follows the box's kind as the editor changes it.
    const kindSelect = document.getElementById("id_kind");
    const compose = document.querySelector(".factbox-compose");
    if (kindSelect && compose) {
      kindSelect.addEventListener("change", function () { compose.dataset.boxKind = kindSelect.value; });
    }

    if (group) {
      // Before Django's own handlers (on the document) set up the new row's autocomplete.
      group.addEventListener("formset:added", function (event) {
        if (pendingKind && event.target instanceof HTMLElement) {
          showKind(event.target, pendingKind);
        }
      });
      group.addEventListener("click", function (event) {
        const add = event.target.closest("button[data-add-kind]");
        if (add) {
          const link = group.querySelector(".add-row a");
          if (!link) {
            return;
          }
          pendingKind = add.dataset.addKind;
          link.click();
          const rows = group.querySelectorAll("tbody tr.form-row:not(.empty-form)");
          const row = rows[rows.length - 1];
          const kind = pendingKind;
          pendingKind = "";
          if (row) {
            window.setTimeout(function () { focusKind(row, kind); }, 0);
          }
          return;
        }
        const move = event.target.closest("button[data-move]");
        if (move) {
          const row = move.closest("tr");
          const tbody = row.parentElement;
          const rows = Array.from(tbody.querySelectorAll("tr.has_original"));
          const index = rows.indexOf(row);
          if (move.dataset.move === "up" && index > 0) {
            rows[index - 1].before(row);
          } else if (move.dataset.move === "down" && index < rows.length - 1) {
            rows[index + 1].after(row);
          } else {
            return;
          }
          renumber(tbody);
          move.focus();
          schedulePreview();
        }
      });
    }

    // --- The live preview ------------------------------------------------------------------------

    const preview = document.getElementById("factbox-preview");
    const previewUrl = preview && preview.dataset.livePreview;
    const changeForm = document.getElementById("factbox_form");
    const frame = document.querySelector("iframe.factbox-preview-frame");
    const status = document.getElementById("factbox-preview-status");
    let theme = "";
    let timer = 0;
    let leaving = false;

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function postPreview() {
      // A form of its own, posting what the change form holds into the frame: the answer is a page
      // with its own Content-Security-Policy, as readers' embeds are.
      const poster = document.createElement("form");
      poster.method = "post";
      poster.action = previewUrl + (theme ? "?theme=" + encodeURIComponent(theme) : "");
      poster.target = frame.name;
      poster.hidden = true;
      new FormData(changeForm).forEach(function (value, name) {
        if (typeof value === "string") {
          const input = document.createElement("input");
          input.type = "hidden";
          input.name = name;
          input.value = value;
          poster.appendChild(input);
        }
      });
      document.body.appendChild(poster);
      poster.submit();
      poster.remove();
    }

    function schedulePreview() {
      if (!previewUrl || !changeForm || !frame || leaving) {
        return;
      }
      window.clearTimeout(timer);
      say("Updating the preview…");
      timer = window.setTimeout(postPreview, 400);
    }

    if (previewUrl && changeForm && frame) {
      const outsidePreview = function (event) {
        if (!preview.contains(event.target)) {
          schedulePreview();
        }
      };
      changeForm.addEventListener("input", outsidePreview);
      // The autocompletes (select2) announce a choice through jQuery only.
      if (window.django && window.django.jQuery) {
        window.django.jQuery(changeForm).on("change", outsidePreview);
      } else {
        changeForm.addEventListener("change", outsidePreview);
      }
      document.addEventListener("formset:removed", schedulePreview);
      // Saving leaves the page: a preview still waiting (the field just left fires "change") is dropped.
      changeForm.addEventListener("submit", function () {
        window.clearTimeout(timer);
        leaving = true;
      });
      if (group) {
        // SortableJS reports the end of a drag on the list it sorted; django-admin-sortable2 renumbers then.
        group.addEventListener("end", schedulePreview);
      }
      preview.addEventListener("click", function (event) {
        const link = event.target.closest(".factbox-themes a");
        if (link) {
          event.preventDefault();
          theme = link.dataset.theme || "";
          postPreview();
        }
      });
      frame.addEventListener("load", function () {
        let data = null;
        try {
          data = frame.contentDocument && frame.contentDocument.getElementById("factbox-preview-data");
        } catch (error) {
          return;
        }
        if (!data) {
          return;
        }
        const answer = JSON.parse(data.textContent);
        if (answer.places) {
          document.querySelectorAll("#items-group tr.form-row .factbox-reader-place").forEach(function (cell) {
            cell.textContent = "–";
          });
          Object.keys(answer.places).forEach(function (prefix) {
            const row = document.getElementById(prefix);
            const cell = row && row.querySelector(".factbox-reader-place");
            if (cell) {
              cell.textContent = answer.places[prefix];
            }
          });
          say("The preview shows the form as it stands; nothing is saved until you save.");
        } else if (answer.errors) {
          say("The preview waits for: " + answer.errors.join(" "));
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
