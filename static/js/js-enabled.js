// Marks the page as scripted before NHS.UK components initialise. Put inside the page by
// base.html, allowed by its hash in the Content Security Policy (pathway/inline_assets.py).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
