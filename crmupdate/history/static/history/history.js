// The history page's small enhancements (everything works without them):
// - a "Copy" button next to each Zoho job ID (without JavaScript or the clipboard API, one
//   click on an ID still selects all of it: see .job-id in app.css);
// - the filter form leaves empty fields out of the request, so the URL it pushes holds only
//   the filters in use (e.g. /history/?status=refused).
// The button's words come in the person's language from the script element's data-* attributes.
(function () {
  "use strict";

  var words = (document.currentScript && document.currentScript.dataset) || {};
  var COPY = words.copy || "Copy";
  var COPIED = words.copied || "Copied";
  var COPY_FAILED = words.copyFailed || "Select and copy";
  var COPY_LABEL = words.copyLabel || "Copy Zoho job ID {id}";

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
      button.textContent = COPY;
      button.setAttribute("aria-label", COPY_LABEL.replace("{id}", id));
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(id).then(
          function () {
            button.textContent = COPIED;
            window.setTimeout(function () { button.textContent = COPY; }, 1500);
          },
          function () {
            button.textContent = COPY_FAILED;
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
