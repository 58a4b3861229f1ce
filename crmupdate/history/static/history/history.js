// The history page's small enhancements (everything works without them):
// - a "Copy" button next to each Zoho job ID (without JavaScript or the clipboard API, one
//   click on an ID still selects all of it: see .job-id in app.css);
// - the filter form leaves empty fields out of the request, so the URL it pushes holds only
//   the filters in use (e.g. /history/?status=refused).
(function () {
  "use strict";

  function addCopyButtons(root) {
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

  function dropEmptyFilters(event) {
    if (!event.detail.elt || event.detail.elt.id !== "history-filters") {
      return;
    }
    var parameters = event.detail.parameters;
    var empty = [];
    parameters.forEach(function (value, name) {
      if (value === "") {
        empty.push(name);
      }
    });
    empty.forEach(function (name) { parameters.delete(name); });
  }

  if (window.htmx) {
    window.htmx.onLoad(addCopyButtons); // the first page and every swapped-in table or row
    document.body.addEventListener("htmx:configRequest", dropEmptyFilters);
  } else {
    document.addEventListener("DOMContentLoaded", function () { addCopyButtons(document); });
  }
})();
