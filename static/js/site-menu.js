/* The main menu folds behind a "Menu" button on narrow screens (the stylesheet decides when).
   Without this script the button stays hidden and the menu's links wrap under the name. */
(() => {
  const start = () => {
    const header = document.querySelector(".site-header");
    const button = header && header.querySelector(".menu-toggle");
    const nav = header && header.querySelector(".site-nav");
    if (!button || !nav || !nav.querySelector("a, button")) return; // nothing to fold
    const setOpen = (open) => {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    };
    button.hidden = false;
    header.classList.add("menu-ready");
    button.addEventListener("click", () => setOpen(button.getAttribute("aria-expanded") !== "true"));
    header.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && header.classList.contains("menu-open")) {
        setOpen(false);
        button.focus();
      }
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
