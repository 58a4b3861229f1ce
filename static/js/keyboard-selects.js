/* A select that acts as soon as its value changes (its own hx-trigger: the module picker, the
   "Field to change" picker) waits for Enter when the value is changed with the keyboard.
   Browsers fire "change" for every option the arrow keys pass over, so without this a
   keyboard user arrowing through the fields would add a row for each one (WCAG 3.2.2, On
   Input). Picking with the mouse or by touch acts at once, as before; without JavaScript the
   form's buttons do the same work. */
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
})();
