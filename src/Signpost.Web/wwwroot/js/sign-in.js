// Progressive help for the sign-in forms; everything works without it.
(function () {
  "use strict";
  document.querySelectorAll("input[name='js']").forEach(function (el) { el.value = "1"; });
  document.querySelectorAll("input[name='cookies_enabled']").forEach(function (el) {
    el.value = navigator.cookieEnabled ? "true" : "false";
  });

  // "Can't sign in?" reports the time zone and this computer's clock, read at the moment the form is sent.
  document.querySelectorAll("input[name='client_tz']").forEach(function (el) {
    try { el.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { el.value = ""; }
  });
  document.querySelectorAll("input[name='client_time']").forEach(function (el) {
    el.value = String(Date.now());
    if (el.form) { el.form.addEventListener("submit", function () { el.value = String(Date.now()); }); }
  });

  // Caps Lock warning: the most common cause of "wrong password" that is not one.
  document.querySelectorAll("input[type='password']").forEach(function (input) {
    var warning = document.getElementById(input.getAttribute("data-capslock-target"));
    if (!warning) { return; }
    function check(event) {
      if (typeof event.getModifierState !== "function") { return; }
      warning.hidden = !event.getModifierState("CapsLock");
    }
    input.addEventListener("keydown", check);
    input.addEventListener("keyup", check);
    input.addEventListener("blur", function () { warning.hidden = true; });
  });
})();
