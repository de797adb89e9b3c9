// Passkeys in the browser: the one part of Latch's second step that the server cannot do.
// Kept out of the WASM bundle (it is needed on two pages only) and free of dependencies.
//
// A form holding a [data-passkey] mark, "register" (Account Settings) or "sign-in" (the
// second login step), is taken over on submit: the server function named below returns a challenge, the
// browser's WebAuthn prompt answers it, and the form is then posted as a plain form with the
// answer in its hidden field. The server verifies everything; this script only carries.
(function () {
  "use strict";
  if (window.latchPasskeys) return; // the script is on the page once per form
  window.latchPasskeys = true;

  var root = document.documentElement;
  var supported = !!(window.PublicKeyCredential && navigator.credentials);
  root.classList.add(supported ? "passkeys-ready" : "passkeys-unsupported");
  if (!supported) return;

  var KINDS = {
    register: { start: "/api/two_step/passkey", field: "credential", create: true },
    "sign-in": { start: "/api/login/passkey", field: "code", create: false },
  };

  function fromB64url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(b64 + "===".slice((b64.length + 3) % 4));
    return Uint8Array.from(binary, function (c) { return c.charCodeAt(0); }).buffer;
  }
  function toB64url(buffer) {
    var text = "";
    new Uint8Array(buffer).forEach(function (b) { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // WebAuthn Level 3 parses and writes the JSON forms itself; older browsers get the same
  // done by hand.
  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    json.challenge = fromB64url(json.challenge);
    json.user.id = fromB64url(json.user.id);
    (json.excludeCredentials || []).forEach(function (c) { c.id = fromB64url(c.id); });
    return json;
  }
  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    json.challenge = fromB64url(json.challenge);
    (json.allowCredentials || []).forEach(function (c) { c.id = fromB64url(c.id); });
    return json;
  }
  function answerJson(credential) {
    if (typeof credential.toJSON === "function") return credential.toJSON();
    var r = credential.response;
    var response = { clientDataJSON: toB64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toB64url(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
      if (r.getPublicKeyAlgorithm) response.publicKeyAlgorithm = r.getPublicKeyAlgorithm();
      if (r.getPublicKey && r.getPublicKey()) response.publicKey = toB64url(r.getPublicKey());
      if (r.getAuthenticatorData) response.authenticatorData = toB64url(r.getAuthenticatorData());
    } else {
      response.authenticatorData = toB64url(r.authenticatorData);
      response.signature = toB64url(r.signature);
      response.userHandle = r.userHandle ? toB64url(r.userHandle) : null;
    }
    return {
      id: credential.id,
      rawId: toB64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: response,
    };
  }

  function say(form, text, isError) {
    var status = form.querySelector("[data-passkey-status]");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("alert", !!text);
    status.classList.toggle("error", !!isError);
  }

  async function run(form, mark, kind) {
    var button = form.querySelector("button[type=submit]");
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name === "passkey_name" || name === "password") body.append(name, value);
    });
    button.disabled = true;
    say(form, mark.dataset.msgWaiting, false);
    try {
      var reply = await fetch(kind.start, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: body,
        credentials: "same-origin",
      });
      // A refusal comes with its status (403, 429...) and says why in the reader's language.
      var ceremony = await reply.json();
      if (ceremony.Refused !== undefined) {
        say(form, ceremony.Refused, true);
        button.disabled = false;
        return;
      }
      if (!reply.ok || ceremony.Options === undefined) throw new Error("HTTP " + reply.status);
      var options = JSON.parse(ceremony.Options);
      var credential;
      try {
        credential = kind.create
          ? await navigator.credentials.create({ publicKey: creationOptions(options) })
          : await navigator.credentials.get({ publicKey: requestOptions(options) });
      } catch (error) {
        // NotAllowedError: the prompt was closed, timed out, or no passkey matched.
        say(form, mark.dataset.msgCancelled, true);
        button.disabled = false;
        return;
      }
      form.elements[kind.field].value = JSON.stringify(answerJson(credential));
      // Checked already by the request above: not sent twice.
      if (form.elements.password) form.elements.password.value = "";
      form.submit(); // a plain post: the page that answers says what happened
    } catch (error) {
      say(form, mark.dataset.msgFailed, true);
      button.disabled = false;
    }
  }

  // Captured before the form's own handler, which then sees the default prevented.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var mark = form instanceof HTMLFormElement ? form.querySelector("[data-passkey]") : null;
      var kind = mark ? KINDS[mark.dataset.passkey] : undefined;
      if (!kind || form.elements[kind.field].value) return;
      event.preventDefault();
      run(form, mark, kind);
    },
    true
  );
})();
