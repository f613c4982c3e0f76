/* global document, HTMLInputElement */
// The console's only script of its own (inline scripts are refused by its Content-Security-Policy):
// "select all" boxes for bulk decisions. A checkbox with data-select-all="<name>" ticks every
// checkbox named <name> in the same form.
document.addEventListener('change', (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) return;
  const form = box.form;
  if (!form) return;
  for (const other of form.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`)) {
    other.checked = box.checked;
  }
});
