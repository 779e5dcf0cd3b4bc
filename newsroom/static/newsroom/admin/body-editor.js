// The article body's editor: what the newsroom adds to django-prose-editor's configurable preset.
//
// NewsroomBody keeps the editor within the Content-Security-Policy. CiteClaim marks a passage as
// the place a claim comes from (<mark data-claim="42">), from a dialog that finds an existing claim
// or makes a new one; saving the article turns the marks into its citations, in the order of the text.
import { Extension, Mark, Plugin, getMarkRange } from "django-prose-editor/editor";

export const NewsroomBody = Extension.create({
  name: "newsroomBody",
  onBeforeCreate() {
    // Tiptap would inject its base styles as a <style> element, which the Content-Security-Policy
    // refuses: they come from tiptap.css instead. The editor mounts (and injects) after this hook.
    this.editor.options.injectCSS = false;
  },
});

const CONFIRMED = "citeClaimConfirmed";

function citedIn(doc) {
  const cited = new Set();
  doc.descendants((node) => {
    for (const mark of node.marks) {
      if (mark.type.name === "claimCitation" && mark.attrs.claim) cited.add(String(mark.attrs.claim));
    }
  });
  return cited;
}

function el(tag, properties = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("aria-") || name === "role" || name === "for") element.setAttribute(name, value);
    else element[name] = value;
  }
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}

let dialogCount = 0;

async function search(url, term) {
  const response = await fetch(`${url}&term=${encodeURIComponent(term)}`, {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  if (!response.ok) return [];
  return (await response.json()).results || [];
}

// A search field whose results are buttons: choosing one calls ``choose({id, text})``.
function finder({ id, label, url, choose, placeholder = "" }) {
  const input = el("input", { type: "search", id, autocomplete: "off", className: "vTextField", placeholder });
  const results = el("ul", { className: "cite-results", id: `${id}-results`, "aria-live": "polite" });
  input.setAttribute("aria-controls", results.id);
  let timer = null;
  let asked = 0;
  const show = (found) => {
    results.replaceChildren(
      ...found.slice(0, 8).map((item) =>
        el(
          "li",
          {},
          el("button", {
            type: "button",
            className: "cite-result",
            textContent: item.text,
            onclick: () => {
              choose(item);
              input.value = "";
              results.replaceChildren();
            },
          }),
        ),
      ),
    );
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const term = input.value.trim();
    if (!term) {
      results.replaceChildren();
      return;
    }
    timer = setTimeout(async () => {
      const mine = ++asked;
      const found = await search(url, term);
      if (mine === asked) show(found);
    }, 200);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && results.querySelector("button")) {
      event.preventDefault();
      results.querySelector("button").focus();
    }
  });
  results.addEventListener("keydown", (event) => {
    const buttons = [...results.querySelectorAll("button")];
    const at = buttons.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < buttons.length - 1) buttons[at + 1].focus();
    else if (event.key === "ArrowUp") (at > 0 ? buttons[at - 1] : input).focus();
    else return;
    event.preventDefault();
  });
  return { field: el("div", { className: "cite-field" }, el("label", { for: id, textContent: label }), input, results), input };
}

// Chosen values shown as removable chips; ``many`` keeps several, otherwise the last one chosen.
function chosen({ many }) {
  const values = new Map();
  const list = el("ul", { className: "cite-chips" });
  const draw = () => {
    list.replaceChildren(
      ...[...values].map(([id, text]) =>
        el(
          "li",
          {},
          el("span", { textContent: text }),
          el("button", {
            type: "button",
            className: "cite-chip-remove",
            textContent: "×",
            "aria-label": `Remove ${text}`,
            onclick: () => {
              values.delete(id);
              draw();
            },
          }),
        ),
      ),
    );
  };
  return {
    list,
    add(item) {
      if (!many) values.clear();
      values.set(String(item.id), item.text);
      draw();
    },
    ids: () => [...values.keys()],
    clear() {
      values.clear();
      draw();
    },
  };
}

function select(id, label, choices, initial) {
  const field = el(
    "select",
    { id },
    ...choices.map(([value, text]) => el("option", { value, textContent: text, selected: value === initial })),
  );
  return { field: el("div", { className: "cite-field" }, el("label", { for: id, textContent: label }), field), input: field };
}

function csrfToken(textarea) {
  const form = textarea.closest("form");
  const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function openCiteDialog(editor, options) {
  const { from, to } = editor.state.selection;
  const passage = editor.state.doc.textBetween(from, to, " ").trim();
  if (!passage) return;
  const textarea = editor.options.element.querySelector("textarea");
  const n = ++dialogCount;
  const opener = document.activeElement;

  const cite = (claim) => {
    editor
      .chain()
      .focus()
      .setTextSelection({ from, to })
      .setMark("claimCitation", { claim: String(claim.id) })
      .run();
    dialog.close();
  };

  const existing = finder({
    id: `cite-${n}-claim`,
    label: "Find a claim by its words, who says it or whom it is about",
    url: options.claimsUrl,
    choose: cite,
  });

  const statement = el("textarea", { id: `cite-${n}-text`, rows: 3, className: "vLargeTextField", value: passage });
  const kind = select(`cite-${n}-kind`, "Kind", options.kinds, "fact");
  const quote = el("textarea", { id: `cite-${n}-quote`, rows: 2, className: "vLargeTextField" });
  const attribution = chosen({ many: false });
  const about = chosen({ many: true });
  const relationship = chosen({ many: false });
  const stance = select(`cite-${n}-stance`, "Stance", options.stances, "supports");
  const sourceUrl = el("input", { type: "url", id: `cite-${n}-source-url`, className: "vURLField" });
  const sourceTitle = el("input", { type: "text", id: `cite-${n}-source-title`, className: "vTextField" });
  const errors = el("div", { className: "cite-errors", role: "alert" });

  const create = async () => {
    errors.replaceChildren();
    const body = new URLSearchParams({
      text: statement.value,
      kind: kind.input.value,
      quote: quote.value,
      stance: stance.input.value,
      source_url: sourceUrl.value.trim(),
      source_title: sourceTitle.value.trim(),
    });
    for (const id of attribution.ids()) body.append("attributed_to", id);
    for (const id of about.ids()) body.append("actors", id);
    for (const id of relationship.ids()) body.append("relationship", id);
    const response = await fetch(options.newClaimUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(textarea), Accept: "application/json" },
      body,
    });
    let answer = {};
    try {
      answer = await response.json();
    } catch {
      answer = { errors: { __all__: [`The claim could not be made (${response.status}).`] } };
    }
    if (response.ok && answer.id) {
      cite(answer);
      return;
    }
    const labels = {
      text: "Statement", kind: "Kind", quote: "Exact words", attributed_to: "Who says so", actors: "Who it is about",
      relationship: "Relationship", stance: "Stance", source_url: "Source address", source_title: "Source title",
    };
    errors.replaceChildren(
      el(
        "ul",
        { className: "errorlist" },
        ...Object.entries(answer.errors || {}).flatMap(([field, messages]) =>
          messages.map((message) => el("li", { textContent: field in labels ? `${labels[field]}: ${message}` : message })),
        ),
      ),
    );
  };

  const finderFor = (id, label, url, into) =>
    finder({ id: `cite-${n}-${id}`, label, url, choose: (item) => into.add(item) });

  const dialog = el(
    "dialog",
    { className: "cite-dialog", "aria-labelledby": `cite-${n}-title` },
    el("h2", { id: `cite-${n}-title`, textContent: "Cite a claim" }),
    el("p", { className: "cite-passage" }, el("span", { className: "cite-label", textContent: "Passage: " }), `“${passage}”`),
    el(
      "section",
      { className: "cite-section", "aria-labelledby": `cite-${n}-existing` },
      el("h3", { id: `cite-${n}-existing`, textContent: "A claim already recorded" }),
      existing.field,
    ),
    el(
      "section",
      { className: "cite-section", "aria-labelledby": `cite-${n}-new` },
      el("h3", { id: `cite-${n}-new`, textContent: "Or a new claim" }),
      el("div", { className: "cite-field" }, el("label", { for: statement.id, textContent: "Statement, in our own words" }), statement),
      el("div", { className: "cite-row" }, kind.field, stance.field),
      el("div", { className: "cite-field" }, el("label", { for: quote.id, textContent: "Exact words (for a quote)" }), quote),
      el(
        "div",
        { className: "cite-row" },
        el("div", { className: "cite-pick" }, finderFor("attribution", "Who says so", options.actorsUrl, attribution).field, attribution.list),
        el("div", { className: "cite-pick" }, finderFor("actors", "Who it is about", options.actorsUrl, about).field, about.list),
      ),
      el(
        "div",
        { className: "cite-pick" },
        finderFor("relationship", "Relationship it bears on", options.relationshipsUrl, relationship).field,
        relationship.list,
      ),
      el(
        "div",
        { className: "cite-row" },
        el("div", { className: "cite-field" }, el("label", { for: sourceUrl.id, textContent: "Source address" }), sourceUrl),
        el("div", { className: "cite-field" }, el("label", { for: sourceTitle.id, textContent: "Source title" }), sourceTitle),
      ),
      errors,
      el("div", { className: "cite-actions" }, el("button", { type: "button", className: "button default", textContent: "Create the claim and cite it", onclick: create })),
    ),
    el(
      "div",
      { className: "cite-actions cite-close" },
      el("button", { type: "button", className: "button", textContent: "Cancel", onclick: () => dialog.close() }),
    ),
  );
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener && document.contains(opener)) opener.focus();
    else editor.commands.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  existing.input.focus();
}

export const CiteClaim = Mark.create({
  name: "claimCitation",
  inclusive: false,
  excludes: "claimCitation",

  addOptions() {
    return { claimsUrl: "", actorsUrl: "", relationshipsUrl: "", newClaimUrl: "", kinds: [], stances: [] };
  },

  addAttributes() {
    return {
      claim: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-claim"),
        renderHTML: (attributes) => ({ "data-claim": attributes.claim }),
      },
    };
  },

  parseHTML() {
    return [{ tag: "mark[data-claim]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["mark", HTMLAttributes, 0];
  },

  addCommands() {
    return {
      removeClaimCitation:
        () =>
        ({ state, tr, dispatch }) => {
          const type = state.schema.marks.claimCitation;
          const range = getMarkRange(state.selection.$from, type);
          if (!range) return false;
          if (dispatch) dispatch(tr.removeMark(range.from, range.to, type).setMeta(CONFIRMED, true));
          return true;
        },
    };
  },

  addMenuItems({ menu }) {
    const options = this.options;
    menu.defineItem({
      name: "citeClaim",
      groups: "link",
      button: el("button", { type: "button", className: "prose-menubar__button cite-button", textContent: "Cite a claim", title: "Cite a claim: mark the selected passage as the place it comes from" }),
      command: (editor) => openCiteDialog(editor, options),
      enabled: (editor) => !editor.state.selection.empty,
      active: (editor) => editor.isActive("claimCitation"),
    });
    menu.defineItem({
      name: "unciteClaim",
      groups: "link",
      button: el("button", { type: "button", className: "prose-menubar__button cite-button", textContent: "Remove citation" }),
      command: (editor) => editor.chain().focus().removeClaimCitation().run(),
      hidden: (editor) => !editor.isActive("claimCitation"),
    });
  },

  addProseMirrorPlugins() {
    return [
      new Plugin({
        // Deleting the last of a cited passage removes the citation when the article is saved: ask first.
        filterTransaction(tr, state) {
          if (!tr.docChanged || tr.getMeta(CONFIRMED)) return true;
          const before = citedIn(state.doc);
          if (!before.size) return true;
          const after = citedIn(tr.doc);
          const lost = [...before].filter((id) => !after.has(id));
          if (!lost.length) return true;
          const which = lost.map((id) => `#${id}`).join(", ");
          return window.confirm(
            `This deletes the passage cited for claim ${which}. Its citation will be removed when you save. Delete it?`,
          );
        },
      }),
    ];
  },
});
