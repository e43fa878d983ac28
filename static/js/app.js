// Starts the NHS.UK components (header menu, error summary focus, character counts...).
import { initAll } from "/assets/nhsuk/nhsuk-frontend.min.js";

initAll();
