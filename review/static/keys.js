// Keyboard triage for the review UI, and marking without a page reload.
// Plain JavaScript, no build step. Without it every button still works as an ordinary form.
//   j / k   next / previous item (on an item page: the next / previous item of the same filter)
//   o       open the selected item          u   back to the inbox (item page)
//   r / x   mark relevant / not relevant    s   star or unstar      e   reviewed or not
//   /       search                          Esc leave a text field
(function () {
  "use strict";

  const onItemPage = document.body.classList.contains("item-page");
  const statusLine = document.getElementById("status");
  let current = -1;

  function say(message, isError) {
    if (!statusLine) return;
    statusLine.textContent = message;
    statusLine.classList.toggle("error", Boolean(isError));
  }

  function rows() {
    return Array.from(document.querySelectorAll("[data-item]"));
  }

  function select(index) {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) { row.classList.toggle("selected", i === current); });
    all[current].scrollIntoView({ block: "nearest" });
    history.replaceState(null, "", "#" + all[current].id);
  }

  function selected() {
    const all = rows();
    return onItemPage ? all[0] || null : all[current] || null;
  }

  function follow(name) {
    const link = document.querySelector('[data-nav="' + name + '"]');
    if (link) window.location.assign(link.href);
    else say(name === "next" ? "This is the last item." : "This is the first item.");
  }

  function describe(state, field) {
    if (field === "starred") return state.starred ? "Starred" : "Unstarred";
    if (field === "reviewed") return state.reviewed ? "Marked reviewed" : "Marked not reviewed";
    if (field === "note") return "Note saved";
    return state.analyst_label ? "Marked " + state.analyst_label.replace("irrelevant", "not relevant")
                               : "Back to the classifier's label (" + (state.label || "none") + ")";
  }

  // Reflect the saved state in the row (or the item page) that holds the form.
  function update(container, state) {
    if (!container) return;
    const badge = container.querySelector('[data-role="label"]');
    if (badge) {
      badge.className = "badge label-" + (state.label || "none");
      badge.textContent = (state.label || "unclassified") + (state.analyst_label ? " ✓" : "");
      badge.title = state.analyst_label ? "your label (classifier: " + (state.classifier_label || "none") + ")" : "classifier";
    }
    const star = container.querySelector('[data-role="star"]');
    if (star) star.hidden = !state.starred;
    const reviewed = container.querySelector('[data-role="reviewed"]');
    if (reviewed) reviewed.hidden = !state.reviewed;
    container.classList.toggle("is-reviewed", Boolean(state.reviewed) && !onItemPage);
    container.querySelectorAll("form.triage button").forEach(function (button) {
      if (button.dataset.toggle) {
        const on = Boolean(state[button.dataset.toggle]);
        button.value = on ? "0" : "1";
        button.setAttribute("aria-pressed", String(on));
      } else if (button.name === "label") {
        button.setAttribute("aria-pressed", String(state.analyst_label === button.value));
      }
    });
    const clear = container.querySelector('[data-role="clear"]');
    if (clear) clear.hidden = !state.analyst_label;
  }

  document.addEventListener("submit", async function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("form.triage, form.note-form")) return;
    event.preventDefault();
    const submitter = event.submitter;
    const body = new FormData(form, submitter || undefined);
    if (submitter && submitter.name && !body.has(submitter.name)) body.append(submitter.name, submitter.value);
    const field = submitter && submitter.name ? submitter.name : "note";
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" },
      });
    } catch (error) {
      say("Not saved: the server did not answer.", true);
      return;
    }
    const state = await response.json().catch(function () { return {}; });
    if (!response.ok) {
      say("Not saved: " + (state.error || "HTTP " + response.status), true);
      return;
    }
    update(form.closest("[data-item]"), state);
    say(describe(state, field === "label" ? "label" : field));
  });

  document.addEventListener("click", function (event) {
    if (onItemPage || event.target.closest("a, button, input, select, textarea, label")) return;
    const row = event.target.closest("[data-item]");
    if (row) select(rows().indexOf(row));
  });

  const KEY_BUTTONS = { r: "r", x: "x", s: "s", e: "e" };

  function press(key) {
    const container = selected();
    if (!container) {
      say("Select an item first (j / k).", true);
      return;
    }
    const button = container.querySelector('form.triage button[data-key="' + key + '"]');
    if (button) button.form.requestSubmit(button);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) {
      if (event.key === "Escape") target.blur();
      return;
    }
    if (event.key === "Enter" && target instanceof Element && target.closest("a, button")) return;
    const row = selected();
    switch (event.key) {
      case "j":
        if (onItemPage) follow("next"); else select(current + 1);
        break;
      case "k":
        if (onItemPage) follow("previous"); else select(current - 1);
        break;
      case "o":
      case "Enter":
        if (row && row.dataset.href) window.location.assign(row.dataset.href);
        else return;
        break;
      case "u":
        if (onItemPage) follow("up"); else return;
        break;
      case "/": {
        const search = document.getElementById("search");
        if (!search) return;
        search.focus();
        search.select();
        break;
      }
      default:
        if (!(event.key in KEY_BUTTONS)) return;
        press(KEY_BUTTONS[event.key]);
    }
    event.preventDefault();
  });

  // Back from an item page or after a plain form post: select the row the address names.
  if (!onItemPage && location.hash.startsWith("#item-")) {
    const row = document.getElementById(location.hash.slice(1));
    if (row) select(rows().indexOf(row));
  }
})();
