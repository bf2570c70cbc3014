// How every htmx form in the product answers a refusal.
//
// htmx drops error responses by default, so a form answered 400/409/422 with its messages showed nothing, or
// left an earlier green "saved" message on the page. Here: a 400, 409 or 422 answer is the form again with
// its errors and what was typed, and it is swapped in like any answer; any other failure (403, 404, 500, the
// network) puts a message at the top of the page. A refused answer also removes earlier success messages, and the
// same request sent again and going through removes its failure message (it is no longer true).
(function () {
  "use strict";
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "(400|409|422)", swap: true, error: false },
    { code: "...", swap: false, error: true },
  ];

  function main() {
    return document.querySelector("main") || document.body;
  }

  function clearSuccess() {
    main().querySelectorAll(".alert-success").forEach(function (alert) { alert.remove(); });
  }

  // What a failure is about: the method and address of its request (the element that sent it may have been
  // swapped out by the time the retry is answered).
  function requestOf(event) {
    var config = event.detail.requestConfig;
    return config ? config.verb + " " + config.path : "";
  }

  function clearFailures(source) {
    main().querySelectorAll("[data-testid=htmx-failure]").forEach(function (alert) {
      if (!source || alert.htmxSource === source) { alert.remove(); }
    });
  }

  function showFailure(text, source) {
    clearSuccess();
    clearFailures();
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible fade show";
    alert.setAttribute("role", "alert");
    alert.dataset.testid = "htmx-failure";
    alert.textContent = text;
    alert.htmxSource = source;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    alert.appendChild(close);
    main().prepend(alert);
    alert.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status >= 400) { clearSuccess(); }
  });
  // Only what failed, going through now, clears its message: another request's success says nothing about it.
  document.addEventListener("htmx:afterRequest", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status >= 200 && status < 300 && requestOf(event)) { clearFailures(requestOf(event)); }
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var messages = document.body.dataset;
    showFailure(status === 403 || status === 404 ? messages.htmxGone : messages.htmxFailed, requestOf(event));
  });
  document.addEventListener("htmx:sendError", function (event) {
    showFailure(document.body.dataset.htmxOffline, requestOf(event));
  });
})();
