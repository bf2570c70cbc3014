// Submit a filter form as soon as one of its drop-downs marked ``data-auto-submit`` changes (no inline handler:
// the Content-Security-Policy forbids inline script). The form keeps a button for browsers without script.
document.querySelectorAll("[data-auto-submit]").forEach((field) => {
  field.addEventListener("change", () => field.form && field.form.submit());
});
