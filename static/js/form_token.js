// Create forms carry a one-time token ({% form_token %}): the server makes one record per token and answers a
// repeat with the first result. When the back button brings a form again from the server (no back/forward
// cache), the browser puts back what was typed but the page holds a new token, and sending it would make a
// second record. So remember the token each form was sent with, and give it back on a back/forward visit.
(function () {
  "use strict";
  var FIELD = "input[name=form_token]";

  function key(form) {
    return "form_token:" + form.action;
  }

  function remember(event) {
    var input = event.target.querySelector && event.target.querySelector(FIELD);
    if (!input) return;
    try {
      sessionStorage.setItem(key(event.target), input.value);
    } catch (error) {
      // Storage off (private mode, quota): the server still refuses a double click; only "back" is unguarded.
    }
  }

  function restore() {
    var entry = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    if (!entry || entry.type !== "back_forward") return;
    document.querySelectorAll("form").forEach(function (form) {
      var input = form.querySelector(FIELD);
      var sent = null;
      try {
        sent = input && sessionStorage.getItem(key(form));
      } catch (error) {
        return;
      }
      if (sent) input.value = sent;
    });
  }

  document.addEventListener("submit", remember, true);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restore);
  } else {
    restore();
  }
})();
