// Marks the page as scripted before NHS.UK components initialise (kept out of inline script for CSP).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
