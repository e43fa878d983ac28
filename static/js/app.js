// Starts the NHS.UK components (header menu, error summary focus, character counts...).
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

// NHS.UK conditional radios mark the radio that reveals more questions with aria-expanded,
// which ARIA does not allow on a radio (axe: aria-allowed-attr; GOV.UK Frontend dropped it
// for the same reason). The revealed questions follow the radio, so nothing is lost.
const dropExpanded = (records) =>
  records.forEach(({ target }) => {
    if (target.matches('input[type="radio"][aria-expanded]')) target.removeAttribute("aria-expanded");
  });
new MutationObserver(dropExpanded).observe(document.body, {
  subtree: true,
  attributes: true,
  attributeFilter: ["aria-expanded"],
});

initAll();
