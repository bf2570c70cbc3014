// The official picker: every <select data-official-picker> (org.forms.fields.OfficialChoiceField and
// OfficialMultipleChoiceField) becomes a search box (Tom Select) that asks the server for the officials of the
// form's scope as one types — by name or staff number, twenty at a time. The page carries only the officials
// already chosen, so a form opens at once whatever the number of officials in scope.
//
// data- attributes (set by the widget): search-url (with its scope), value-field ("id" or "staff_number"),
// unit-field (the id of a unit input whose value narrows the search to that unit's subtree), and the texts
// placeholder, no-results, loading, more, remove, clear (translated on the server).
(function () {
  "use strict";

  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function moreHint(select) {
    var hint = document.createElement("div");
    hint.className = "form-text official-picker-more";
    hint.setAttribute("aria-live", "polite");
    hint.hidden = true;
    hint.textContent = select.dataset.more || "";
    return hint;
  }

  function init(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    var data = select.dataset;
    var unitField = data.unitField ? document.getElementById(data.unitField) : null;
    var hint = moreHint(select);
    var plugins = select.multiple ? { remove_button: { title: data.remove } } : { clear_button: { title: data.clear } };

    var tom = new TomSelect(select, {
      valueField: data.valueField || "id",
      labelField: "label",
      dataAttr: "data",  // a chosen <option> carries its official as data-data JSON, like the search's answer
      searchField: ["name", "staff_number", "label"],
      placeholder: data.placeholder,
      plugins: plugins,
      preload: "focus",
      loadThrottle: 250,
      maxOptions: null,
      hideSelected: true,
      closeAfterSelect: true,
      load: function (query, callback) {
        var url = new URL(data.searchUrl, window.location.href);
        url.searchParams.set("q", query);
        if (unitField && unitField.value) url.searchParams.set("unit", unitField.value);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
          .then(function (answer) {
            hint.hidden = !answer.more;
            callback(answer.results);
          })
          .catch(function () { callback(); });
      },
      render: {
        option: function (item, escape) {
          var detail = [item.staff_number, item.unit].filter(Boolean).map(escape).join(" · ");
          return "<div><span class=\"official-picker-name\">" + escape(item.name || item.label) + "</span>" +
            (detail ? " <span class=\"small text-body-secondary\">" + detail + "</span>" : "") + "</div>";
        },
        item: function (item, escape) { return "<div>" + escape(item.label) + "</div>"; },
        no_results: function () { return "<div class=\"no-results\">" + escapeText(data.noResults) + "</div>"; },
        loading: function () { return "<div class=\"spinner\" aria-label=\"" + escapeText(data.loading) + "\"></div>"; },
      },
    });
    tom.wrapper.after(hint);

    if (unitField) {
      // Another unit: what was found for the last one no longer applies (what is chosen stays, and the server
      // checks it against the new unit when the form is sent).
      unitField.addEventListener("change", function () {
        tom.clearOptions();
        tom.wrapper.classList.remove("preloaded");
        hint.hidden = true;
      });
    }
  }

  function initAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("select[data-official-picker]")) init(scope);
    scope.querySelectorAll("select[data-official-picker]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  } else {
    initAll(document);
  }
  // Forms or parts of forms swapped in by htmx (e.g. the letter form's recipient part).
  document.addEventListener("htmx:load", function (event) { initAll(event.detail.elt); });
})();
