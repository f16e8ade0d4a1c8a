// Passkeys (docs/mfa.md, "Passkeys"): the browser half of the WebAuthn ceremonies. A form marked data-passkey
// ("create" to register, "get" to sign in or verify) fetches its options from data-options, asks the
// authenticator, and posts the answer in its hidden "response" field with the "state" token it was given.
// Served from this site (the content security policy allows no inline script and no other origin).
(function () {
  "use strict";
  if (window.__signpostPasskeys) { return; }
  window.__signpostPasskeys = true;

  function toBytes(b64url) {
    var b64 = String(b64url).replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var binary = atob(b64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toB64url(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // Fido2 may write null for options it leaves unset; WebAuthn wants them absent.
  function clean(value) {
    if (Array.isArray(value)) { return value.map(clean); }
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (key) { if (value[key] !== null) { out[key] = clean(value[key]); } });
      return out;
    }
    return value;
  }

  function descriptors(list) {
    return (list || []).map(function (d) { var c = Object.assign({}, d); c.id = toBytes(d.id); return c; });
  }

  function creationOptions(options) {
    var o = clean(options);
    o.challenge = toBytes(o.challenge);
    o.user = Object.assign({}, o.user, { id: toBytes(o.user.id) });
    o.excludeCredentials = descriptors(o.excludeCredentials);
    return o;
  }

  function requestOptions(options) {
    var o = clean(options);
    o.challenge = toBytes(o.challenge);
    o.allowCredentials = descriptors(o.allowCredentials);
    return o;
  }

  function extensions(credential) {
    try { return credential.getClientExtensionResults() || {}; } catch (e) { return {}; }
  }

  function attestationJson(credential) {
    var r = credential.response;
    return JSON.stringify({
      id: credential.id,
      rawId: toB64url(credential.rawId),
      type: credential.type,
      response: {
        attestationObject: toB64url(r.attestationObject),
        clientDataJSON: toB64url(r.clientDataJSON),
        transports: typeof r.getTransports === "function" ? r.getTransports() : []
      },
      clientExtensionResults: extensions(credential)
    });
  }

  function assertionJson(credential) {
    var r = credential.response;
    var answer = {
      id: credential.id,
      rawId: toB64url(credential.rawId),
      type: credential.type,
      response: {
        authenticatorData: toB64url(r.authenticatorData),
        clientDataJSON: toB64url(r.clientDataJSON),
        signature: toB64url(r.signature)
      },
      clientExtensionResults: extensions(credential)
    };
    if (r.userHandle) { answer.response.userHandle = toB64url(r.userHandle); }
    return JSON.stringify(answer);
  }

  function field(form, name) { return form.querySelector("input[name='" + name + "']"); }

  function problem(form, text) {
    var el = form.querySelector("[data-passkey-problem]");
    if (el) { el.textContent = text; el.hidden = false; }
  }

  function start(form, button) {
    var mode = form.getAttribute("data-passkey");
    var name = field(form, "name");
    if (mode === "create" && name && !name.value.trim()) {
      problem(form, "Give the passkey a name first, such as \"YubiKey\" or \"front desk laptop\".");
      name.focus();
      return;
    }

    button.disabled = true;
    fetch(form.getAttribute("data-options"), { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("options " + response.status); }
        return response.json();
      })
      .then(function (answer) {
        field(form, "state").value = answer.state;
        return mode === "create"
          ? navigator.credentials.create({ publicKey: creationOptions(answer.options) })
          : navigator.credentials.get({ publicKey: requestOptions(answer.options) });
      })
      .then(function (credential) {
        field(form, "response").value = mode === "create" ? attestationJson(credential) : assertionJson(credential);
        form.submit();
      })
      .catch(function (error) {
        button.disabled = false;
        if (mode === "create" || !field(form, "state").value) {
          problem(form, mode === "create"
            ? "No passkey was created (" + (error && error.name || "error") + "). Try again, or use another browser or security key."
            : "The passkey request could not start. Reload the page and try again.");
          return;
        }
        // A cancelled or refused passkey is still an attempt: it is sent, so it gets its reason and event.
        field(form, "response").value = "";
        var errorField = field(form, "error");
        if (errorField) { errorField.value = error && error.name ? error.name : "Error"; }
        form.submit();
      });
  }

  function wire() {
    if (!window.PublicKeyCredential || !navigator.credentials) { return; }
    document.querySelectorAll("form[data-passkey]").forEach(function (form) {
      if (form.__passkey) { return; }
      form.__passkey = true;
      form.hidden = false;
      var button = form.querySelector("[data-passkey-start]");
      if (button) { button.addEventListener("click", function () { start(form, button); }); }
    });
    document.querySelectorAll("[data-passkey-unsupported]").forEach(function (el) { el.hidden = true; });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", wire); } else { wire(); }
})();
