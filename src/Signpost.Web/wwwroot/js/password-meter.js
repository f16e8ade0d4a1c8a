// Strength guide for new-password fields (any input[autocomplete=new-password][data-meter]).
// Progressive enhancement: the form works without it, and the server's password rules decide, not this
// meter. zxcvbn-ts (from npm by package-lock.json, copied to /lib/zxcvbn-ts by the build, about 540 KB) loads only when such a field is first
// focused. The password never leaves the browser here: zxcvbn runs locally.
(function () {
  "use strict";

  var template = document.getElementById("password-meter-template");
  var inputs = document.querySelectorAll("input[autocomplete='new-password'][data-meter]");
  if (!template || !("content" in template) || inputs.length === 0 || typeof Promise !== "function") { return; }

  // The page names the libraries' fingerprinted URLs on the template (long-cached); without them they sit
  // beside this script's folder, wherever the site is mounted.
  var here = (document.currentScript && document.currentScript.src) || window.location.href;
  var sources = [
    new URL(template.getAttribute("data-core-src") || "../lib/zxcvbn-ts/core/zxcvbn-ts.js", here).href,
    new URL(template.getAttribute("data-language-src") || "../lib/zxcvbn-ts/language-common/zxcvbn-ts.js", here).href
  ];

  var labels = ["very weak", "weak", "fair", "strong", "very strong"];

  // zxcvbn-ts without a language pack reports keys; these are our own words for them.
  var warnings = {
    straightRow: "Rows of keys, like qwerty, are easy to guess.",
    keyPattern: "Short keyboard patterns are easy to guess.",
    simpleRepeat: "Repeated characters, like aaa, are easy to guess.",
    extendedRepeat: "Repeated groups of characters, like abcabcabc, are easy to guess.",
    sequences: "Sequences, like abc or 6543, are easy to guess.",
    recentYears: "Recent years are easy to guess.",
    dates: "Dates are easy to guess.",
    topTen: "This is one of the most used passwords.",
    topHundred: "This is a very often used password.",
    common: "This is a commonly used password.",
    similarToCommon: "This is close to a commonly used password.",
    wordByItself: "A single word is easy to guess.",
    namesByThemselves: "Names on their own are easy to guess.",
    commonNames: "Common names are easy to guess.",
    userInputs: "It contains your own details, such as your username.",
    pwned: "This password appeared in a data breach."
  };
  var suggestions = {
    l33t: "Swapping letters for look-alikes (@ for a) does not help much.",
    reverseWords: "Spelling a common word backwards does not help much.",
    allUppercase: "All capitals is as easy to guess as all lowercase.",
    capitalization: "A capital first letter does not help much.",
    dates: "Leave out dates that mean something to you.",
    recentYears: "Leave out recent years.",
    associatedYears: "Leave out years that mean something to you.",
    sequences: "Leave out sequences.",
    repeated: "Leave out repeated words and characters.",
    longerKeyboardPattern: "Leave out keyboard patterns.",
    anotherWord: "Add another word or two; uncommon words are better.",
    useWords: "Use several words, but not a well-known phrase.",
    noNeed: "No symbols, digits or capitals are needed: length does the work.",
    pwned: "If you use this password anywhere else, change it there too."
  };

  var ready = null;
  function load() {
    if (ready) { return ready; }
    ready = Promise.all(sources.map(function (src) {
      return new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.async = true;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    })).then(function () {
      var zxcvbnts = window.zxcvbnts;
      var common = zxcvbnts["language-common"];
      return new zxcvbnts.core.ZxcvbnFactory({
        dictionary: common.dictionary,
        graphs: common.adjacencyGraphs
      });
    });
    return ready;
  }

  function describe(result, value, minimum) {
    var parts = ["Strength guide: " + labels[result.score] + "."];
    var length = Array.from(value).length; // characters, as the server counts them
    if (minimum > 0 && length < minimum) {
      parts.push("At least " + minimum + " characters are needed (" + length + " so far).");
    }
    var feedback = result.feedback || {};
    if (feedback.warning && warnings[feedback.warning]) { parts.push(warnings[feedback.warning]); }
    (feedback.suggestions || []).forEach(function (key) {
      if (suggestions[key]) { parts.push(suggestions[key]); }
    });
    return parts.join(" ");
  }

  inputs.forEach(function (input, index) {
    var box = template.content.firstElementChild.cloneNode(true);
    var meter = box.querySelector("meter");
    var text = box.querySelector("[data-meter-feedback]");
    text.id = (input.id || "new-password-" + index) + "-strength";
    input.insertAdjacentElement("afterend", box);

    var username = input.form && input.form.querySelector("input[autocomplete='username']");
    var timer = 0;

    function update() {
      var value = input.value;
      box.hidden = false;
      if (!value) {
        meter.value = 0;
        text.textContent = "";
        return;
      }
      load().then(function (zxcvbn) {
        if (input.value !== value) { return; } // a newer keystroke will update
        var result = zxcvbn.check(value, username && username.value ? [username.value, "signpost"] : ["signpost"]);
        meter.value = result.score;
        text.textContent = describe(result, value, input.minLength);
      }, function () {
        text.textContent = "The strength guide could not load. The password rules still apply when you submit.";
      });
    }

    input.addEventListener("focus", function () {
      box.hidden = false;
      load().catch(function () { /* reported on the next update */ });
    }, { once: true });
    // Debounced: the live region is read out, so it should not change on every keystroke.
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 300);
    });
  });
})();
