// A "tick all" box: <input type="checkbox" data-check-all="NAME"> ticks or unticks every checkbox named NAME
// in its form, and shows itself half-ticked when only some are.
(function () {
  "use strict";

  function boxes(master) {
    var form = master.form || document;
    return Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][name=\"" + master.dataset.checkAll + "\"]"));
  }

  function reflect(master) {
    var all = boxes(master);
    var ticked = all.filter(function (box) { return box.checked; }).length;
    master.checked = all.length > 0 && ticked === all.length;
    master.indeterminate = ticked > 0 && ticked < all.length;
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || target.type !== "checkbox") return;
    if (target.dataset.checkAll) {
      boxes(target).forEach(function (box) { box.checked = target.checked; });
      return;
    }
    var form = target.form || document;
    form.querySelectorAll("input[type=checkbox][data-check-all]").forEach(function (master) {
      if (master.dataset.checkAll === target.name) reflect(master);
    });
  });
})();
