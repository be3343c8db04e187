// The "Import a compilation" page: while the server reads or imports a long text, say what
// is happening and for how long, and keep the buttons from being pressed twice.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("#import-upload, #import-preview")) {
    form.addEventListener("submit", (event) => {
      const status = form.querySelector(".import-status");
      if (!status) return;
      const text = form.querySelector("#id_text");
      const lines = text ? text.value.split("\n").length : 0;
      const entries = form.querySelectorAll(".import-entry").length;
      const action = event.submitter && event.submitter.value === "import" ? status.dataset.importing : status.dataset.reading;
      const started = Date.now();
      const show = () => {
        const seconds = Math.round((Date.now() - started) / 1000);
        status.textContent = action
          .replace("{lines}", lines.toLocaleString())
          .replace("{entries}", entries.toLocaleString())
          .replace("{seconds}", seconds);
      };
      show();
      setInterval(show, 1000);
      // Disabled after the browser has taken the submitter's value into the request.
      setTimeout(() => form.querySelectorAll("button, input[type=submit]").forEach((b) => { b.disabled = true; }), 0);
    });
  }
});
