/* The editor's page: move agenda slots and people by keyboard, and prefill a new slot's start.
   Loaded after django-nested-admin, whose updatePositions() renumbers the order fields.
   Its templates have no blocks: the move buttons and the words of its links are set here. */
"use strict";
(function () {
  function forms(group) {
    return Array.from(group.querySelector(".djn-items").children).filter(function (el) {
      return el.classList.contains("djn-inline-form") && !el.id.endsWith("-empty");
    });
  }

  function announce(text) {
    const status = document.getElementById("lt-editor-status");
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }

  function say(key) {
    const status = document.getElementById("lt-editor-status");
    return status ? status.dataset[key] || "" : "";
  }

  function label(form) {
    const heading = form.querySelector(":scope > h3 .inline_label");
    return heading ? heading.textContent.trim() : "";
  }

  function moveButton(form, direction) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "lt-move__button";
    button.dataset.move = direction;
    button.textContent = say(direction);
    if (form.classList.contains("has_original")) {
      button.setAttribute("aria-label", say(direction) + ": " + label(form));
    }
    return button;
  }

  /* Move buttons in the heading of each item of a sorted inline, the empty item that
     nested-admin copies included. nested-admin's links get the words of Django's own inlines
     (its template has a bare "Remove" and title-cases "Add another …"), and "#" as there: a
     middle click on its javascript: links breaks the CSP, and it prevents only a plain click. */
  function dress(group) {
    const data = JSON.parse(group.dataset.inlineFormset);
    const own = function (selector) {
      return Array.from(group.querySelectorAll(selector)).filter(function (el) {
        return el.closest(".djn-group") === group;
      });
    };
    const words = [[".djn-add-handler", data.options.addText],
      [".djn-remove-handler", data.options.deleteText]];
    words.forEach(function ([selector, text]) {
      own(selector).forEach(function (link) {
        link.textContent = text;
        link.setAttribute("href", "#");
      });
    });
    if (!data.nestedOptions.sortableFieldName) {
      return;
    }
    own(".djn-inline-form > h3").forEach(function (heading) {
      const form = heading.parentElement;
      const buttons = document.createElement("span");
      buttons.className = "lt-move";
      buttons.append(moveButton(form, "up"), moveButton(form, "down"));
      heading.querySelector(".inline_label").after(" ", buttons);
    });
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest(".lt-move__button");
    if (!button) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    const form = button.closest(".djn-inline-form");
    const group = form.closest(".djn-group");
    const siblings = forms(group);
    const index = siblings.indexOf(form);
    const target = siblings[index + (button.dataset.move === "up" ? -1 : 1)];
    if (!target) {
      announce(say(button.dataset.move === "up" ? "first" : "last"));
      button.focus();
      return;
    }
    if (button.dataset.move === "up") {
      target.before(form);
    } else {
      target.after(form);
    }
    const prefix = group.id.replace(/-group$/, "");
    // nested-admin renumbers on submit too; now, so that the order fields are right at once.
    const nesting = window.DJNesting || {};
    const update = nesting.updatePositions || (nesting.default || {}).updatePositions;
    if (update) {
      update(prefix);
    }
    button.focus();
    const position = forms(group).indexOf(form) + 1;
    announce(say("moved").replace("{label}", label(form)).replace("{position}", String(position)));
  });

  /* A new slot starts when the slot above it ends (or when the event starts). */
  function prefillStart(form) {
    const start = form.querySelector("input[name$='-start_time']");
    if (!start || start.value) {
      return;
    }
    const group = form.closest(".djn-group");
    const siblings = forms(group);
    const previous = siblings[siblings.indexOf(form) - 1];
    let value = "";
    if (previous) {
      const end = previous.querySelector("input[name$='-end_time']");
      value = end ? end.value : "";
    } else {
      const eventStart = document.getElementById("id_starts_at_1");
      value = eventStart ? eventStart.value.slice(0, 5) : "";
    }
    if (value) {
      start.value = value;
    }
  }

  /* Select2 names its box by the chosen person only, so an empty box has no name at all:
     name it by the field's label, then the choice. */
  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      if (select.name.includes("__prefix__")) {
        return;
      }
      const label = document.querySelector("label[for='" + select.id + "']");
      const box = select.parentElement.querySelector(".select2-selection[role='combobox']");
      if (!label || !box) {
        return;
      }
      label.id = label.id || select.id + "_label";
      const rendered = box.querySelector(".select2-selection__rendered");
      box.setAttribute("aria-labelledby", label.id + (rendered ? " " + rendered.id : ""));
      if (rendered && !rendered.getAttribute("title")) {
        rendered.setAttribute("aria-labelledby", label.id);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".djn-group[data-inline-formset]").forEach(dress);
    window.setTimeout(function () { nameAutocompletes(document); }, 0);
  });
  window.addEventListener("load", function () { nameAutocompletes(document); });

  document.addEventListener("formset:added", function (event) {
    window.setTimeout(function () { nameAutocompletes(event.target); }, 0);
    const form = event.target.closest ? event.target.closest(".djn-inline-form") : null;
    if (form && event.detail && event.detail.formsetName === "slots") {
      prefillStart(form);
    }
  });
})();
