/* Small behaviours of the pages, set by data- attributes: the Content-Security-Policy allows no
   inline script and no on…= handler attribute, so pages say what they want and this file acts.

   <form data-confirm="Question?">  asks the question before the form is sent; "Cancel" keeps it.
   <select data-autosubmit>         sends its form as soon as another option is chosen (the form
                                    keeps a submit button for those without JavaScript).

   Listeners sit on the document, so content that htmx swaps in later is covered too. */
"use strict";

document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !("confirm" in form.dataset)) return;
    if (!window.confirm(form.dataset.confirm)) {
      // Captured before the form's own listeners (htmx's), so nothing is sent.
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true,
);

document.addEventListener("change", (event) => {
  const field = event.target;
  if (!(field instanceof HTMLSelectElement) || !("autosubmit" in field.dataset) || !field.form) {
    return;
  }
  if (typeof field.form.requestSubmit === "function") field.form.requestSubmit();
  else field.form.submit();
});
