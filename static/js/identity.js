// Passkeys (WebAuthn) on Pathway's pages, and the way back from signing in again to the NHS
// account. Loaded as a file, never inline: the Content Security Policy forbids inline script.
//
// - [data-passkey-sign-in]: "Sign in with a passkey" on the sign-in page.
// - form[data-passkey-create]: adding a passkey on the account's passkeys page.
// - [data-passkey-sign]: "Sign with your passkey" inside a sign-off or revocation form. The form
//   is posted to the server first, which answers with a challenge for exactly that decision.
// - form[data-auto-submit]: goes on by itself (back from the NHS account to sign a decision).
//
// The server checks everything; this only carries the browser's passkey answers to it.

const supported = Boolean(window.PublicKeyCredential && navigator.credentials);

function fromBase64url(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
}

function toBase64url(buffer) {
  let text = "";
  for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function descriptors(list) {
  return (list || []).map((item) => ({ ...item, id: fromBase64url(item.id) }));
}

function creationOptions(json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    user: { ...json.user, id: fromBase64url(json.user.id) },
    excludeCredentials: descriptors(json.excludeCredentials),
  };
}

function requestOptions(json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    allowCredentials: descriptors(json.allowCredentials),
  };
}

function registrationJSON(credential) {
  const response = credential.response;
  return JSON.stringify({
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      attestationObject: toBase64url(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : [],
    },
  });
}

function assertionJSON(credential) {
  const response = credential.response;
  return JSON.stringify({
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature),
      userHandle: response.userHandle ? toBase64url(response.userHandle) : undefined,
    },
  });
}

function csrfToken(form) {
  const field = form.querySelector("[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

async function postForm(url, form, extra = {}) {
  const body = new FormData(form);
  for (const [name, value] of Object.entries(extra)) body.set(name, value);
  return fetch(url, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" },
  });
}

// Not form.submit(): a control named "submit" (crispy's buttons are) hides that method.
function send(form) {
  HTMLFormElement.prototype.submit.call(form);
}

function say(place, text) {
  if (!place) return;
  place.textContent = text;
  place.hidden = !text;
}

function setField(form, name, value) {
  let field = form.querySelector(`input[type=hidden][name="${name}"]`);
  if (!field) {
    field = document.createElement("input");
    field.type = "hidden";
    field.name = name;
    form.append(field);
  }
  field.value = value;
}

// Signing in ---------------------------------------------------------------------------------
for (const box of document.querySelectorAll("[data-passkey-sign-in]")) {
  if (!supported) continue;
  box.hidden = false;
  const form = box.querySelector("form");
  const button = box.querySelector("[data-passkey-button]");
  const message = box.querySelector("[data-passkey-message]");
  button.addEventListener("click", async () => {
    button.disabled = true;
    say(message, "");
    try {
      const answer = await postForm(form.dataset.optionsUrl, form);
      if (!answer.ok) throw new Error("no challenge");
      const credential = await navigator.credentials.get({
        publicKey: requestOptions(await answer.json()),
      });
      form.querySelector("[data-passkey-response]").value = assertionJSON(credential);
      send(form);
    } catch (problem) {
      console.warn("Pathway: the passkey did not sign in", problem);
      say(message, "Your passkey was not used. Try again, or sign in another way.");
      button.disabled = false;
    }
  });
}

// Adding a passkey ---------------------------------------------------------------------------
for (const form of document.querySelectorAll("form[data-passkey-create]")) {
  const message = document.querySelector("[data-passkey-message]");
  form.addEventListener("submit", async (event) => {
    const name = form.querySelector("[name=name]");
    if (!supported || !name || !name.value.trim()) return; // the server says what is missing
    event.preventDefault();
    say(message, "");
    try {
      const answer = await postForm(form.dataset.optionsUrl, form);
      if (!answer.ok) throw new Error("no challenge");
      const credential = await navigator.credentials.create({
        publicKey: creationOptions(await answer.json()),
      });
      form.querySelector("[data-passkey-response]").value = registrationJSON(credential);
      send(form);
    } catch (problem) {
      console.warn("Pathway: no passkey was made", problem);
      say(message, "No passkey was made. Try again, and unlock your device when it asks.");
    }
  });
}

// Signing a decision -------------------------------------------------------------------------
for (const box of document.querySelectorAll("[data-passkey-sign]")) {
  if (!supported) continue;
  box.hidden = false;
  const form = box.closest("form");
  const button = box.querySelector("[data-passkey-button]");
  const message = box.querySelector("[data-passkey-message]");
  button.addEventListener("click", async () => {
    button.disabled = true;
    say(message, "");
    let answer;
    try {
      answer = await postForm(box.dataset.optionsUrl, form, { sign_with: "passkey" });
    } catch (problem) {
      answer = null;
    }
    if (!answer || !answer.ok) {
      // The decision is not complete (or the passkey cannot sign it): the page says why.
      setField(form, "sign_with", "passkey");
      send(form);
      return;
    }
    try {
      const { options } = await answer.json();
      const credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
      form.querySelector("[data-passkey-response]").value = assertionJSON(credential);
      setField(form, "sign_with", "passkey");
      send(form);
    } catch (problem) {
      console.warn("Pathway: the passkey did not sign", problem);
      say(message, "Your passkey did not sign. Try again, or sign another way.");
      button.disabled = false;
    }
  });
}

// Back from the NHS account ------------------------------------------------------------------
for (const form of document.querySelectorAll("form[data-auto-submit]")) {
  send(form);
}
