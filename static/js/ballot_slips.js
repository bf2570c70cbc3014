// Save the slips page as one HTML file, without asking the server for the codes again (they are shown only once).
// The page's stylesheets are fetched and written into the file, so it prints the same when opened from disk.
(function () {
  "use strict";
  var button = document.getElementById("download-slips");
  if (!button) { return; }

  function inlineStylesheets(html) {
    var links = Array.prototype.slice.call(document.querySelectorAll("link[rel=stylesheet]"));
    return Promise.all(links.map(function (link) {
      return fetch(link.href, { credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.text() : ""; })
        .catch(function () { return ""; })
        .then(function (css) { return { tag: link.outerHTML, css: css }; });
    })).then(function (sheets) {
      sheets.forEach(function (sheet) {
        if (sheet.css) { html = html.replace(sheet.tag, "<style>" + sheet.css + "</style>"); }
      });
      return html;
    });
  }

  button.addEventListener("click", function () {
    var filename = button.dataset.filename;
    inlineStylesheets("<!doctype html>\n" + document.documentElement.outerHTML).then(function (html) {
      html = html.replace(/<script\b[^>]*><\/script>\s*/g, "");
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([html], { type: "text/html" }));
      link.download = filename;
      document.body.appendChild(link);
      link.click();
      window.setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    });
  });
})();
