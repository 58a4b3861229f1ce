/* Selects that act as soon as their value changes (their own hx-trigger: the module picker,
   the "Field to change" picker).
   1. Such a select waits for Enter when the value is changed with the keyboard. Browsers fire
   "change" for every option the arrow keys pass over, so without this a keyboard user arrowing
   through the fields would add a row for each one (WCAG 3.2.2, On Input). Picking with the
   mouse or by touch acts at once; without JavaScript the form's buttons do the same work.
   2. A pick made before htmx has started is acted on when it starts (see the end). */
(() => {
  const acts = (el) => el instanceof HTMLSelectElement && el.hasAttribute("hx-trigger");
  const held = new WeakSet();
  const passive = new Set(["Tab", "Shift", "Control", "Alt", "Meta", "Escape"]);

  document.addEventListener("keydown", (event) => {
    const select = event.target;
    if (!acts(select)) return;
    if (event.key === "Enter") {
      if (held.delete(select)) {
        event.preventDefault();
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    } else if (!passive.has(event.key)) {
      held.add(select);
    }
  }, true);

  document.addEventListener("pointerdown", (event) => {
    if (acts(event.target)) held.delete(event.target);
  }, true);

  document.addEventListener("change", (event) => {
    if (event.isTrusted && acts(event.target) && held.has(event.target)) {
      event.stopImmediatePropagation();
    }
  }, true);

  /* A pick made while the page was still loading, before htmx had wired the select up, or a
     value the browser restored on reload, would otherwise sit in the select with nothing done
     about it. This listener runs right after htmx's own start-up (both scripts are deferred and
     htmx's comes first), so each such select is acted on once, as if picked now. */
  document.addEventListener("DOMContentLoaded", () => {
    if (!window.htmx) return;
    for (const select of document.querySelectorAll("select[hx-trigger]")) {
      const initial = [...select.options].find((o) => o.defaultSelected) || select.options[0];
      if (initial && select.value !== initial.value && !held.has(select)) {
        window.htmx.trigger(select, "change");
      }
    }
  });
})();
