// A "Copy" button next to each Zoho job ID in the history. Without JavaScript (or without the
// clipboard API) one click on an ID still selects all of it (see .job-id in app.css).
(function () {
  "use strict";

  function addButtons(root) {
    if (!navigator.clipboard || !root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("code.job-id:not([data-copy-ready])").forEach(function (code) {
      code.setAttribute("data-copy-ready", "");
      var id = code.textContent.trim();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy Zoho job ID " + id);
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(id).then(
          function () {
            button.textContent = "Copied";
            window.setTimeout(function () { button.textContent = "Copy"; }, 1500);
          },
          function () {
            button.textContent = "Select and copy";
          }
        );
      });
      code.insertAdjacentElement("afterend", button);
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(addButtons); // the first page and every swapped-in table or row
  } else {
    document.addEventListener("DOMContentLoaded", function () { addButtons(document); });
  }
})();
