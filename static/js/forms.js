/* Form helpers of the changes page, all progressive: without JavaScript the page works the
   same, only less comfortably.
   1. Focus: the server marks the element to focus (`autofocus`: the first field in error, or
   the value of the row just added); after an htmx swap it is focused here, so Tab goes on
   from the right place. Links of the error summary move the focus to their field.
   2. Native pickers: a calendar beside each date box writes the picked date into the box in
   the format the box asks for (the person's locale).
   3. Long multi-select lists get a filter box that hides the values not matching. */
(() => {
  const focusMarked = (root) => {
    const target = root.querySelector("[autofocus]");
    if (target && document.activeElement !== target) target.focus();
  };

  document.addEventListener("htmx:afterSettle", (event) => {
    const root = event.detail && event.detail.elt;
    if (root instanceof Element) focusMarked(root);
  });

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element && event.target.closest(".error-summary a");
    if (!link) return;
    const id = decodeURIComponent(link.getAttribute("href").slice(1));
    const field = document.getElementById(id);
    if (!field) return;
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  });

  const pad = (n) => String(n).padStart(2, "0");
  const formatted = (value, format) => {
    // value from a native picker: "2025-12-31" or "2025-12-31T14:30"
    const [day, time = ""] = value.split("T");
    const [y, m, d] = day.split("-");
    const [hh = "00", mm = "00"] = time.split(":");
    const parts = { "%Y": y, "%y": y.slice(-2), "%m": pad(m), "%d": pad(d), "%H": hh, "%M": mm };
    return format.replace(/%[YymdHM]/g, (p) => parts[p]);
  };

  const wire = (root) => {
    for (const picker of root.querySelectorAll("input.native-picker[data-for]")) {
      if (picker.dataset.wired) continue;
      picker.dataset.wired = "1";
      picker.hidden = false;
      picker.addEventListener("change", () => {
        const box = document.getElementById(picker.dataset.for);
        if (!box || !picker.value) return;
        box.value = formatted(picker.value, picker.dataset.format);
        box.dispatchEvent(new Event("input", { bubbles: true }));
      });
    }
    for (const filter of root.querySelectorAll("input.option-filter[aria-controls]")) {
      if (filter.dataset.wired) continue;
      filter.dataset.wired = "1";
      filter.hidden = false;
      filter.addEventListener("input", () => {
        const list = document.getElementById(filter.getAttribute("aria-controls"));
        if (!list) return;
        const wanted = filter.value.trim().toLowerCase();
        for (const box of list.querySelectorAll("input[type=checkbox]")) {
          const item = box.closest("div") || box.parentElement;
          const text = (box.closest("label") || item).textContent.toLowerCase();
          item.hidden = Boolean(wanted) && !box.checked && !text.includes(wanted);
        }
      });
      // Enter in the filter must not submit the form (it would review the changes).
      filter.addEventListener("keydown", (event) => {
        if (event.key === "Enter") event.preventDefault();
      });
    }
  };

  document.addEventListener("DOMContentLoaded", () => wire(document));
  document.addEventListener("htmx:afterSettle", () => wire(document));
})();
