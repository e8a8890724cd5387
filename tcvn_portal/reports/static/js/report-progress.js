// Polls the report's progress endpoint and moves the progress bar until the PDF is ready (or failed).
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[data-percent]");
  var status = box.querySelector("[data-status]");
  var download = box.querySelector("[data-download]");
  var failed = box.querySelector("[data-failed]");

  function show(state) {
    bar.value = state.percent;
    bar.textContent = state.percent + " %";
    percent.textContent = state.percent + " %";
    status.textContent = state.status_label;
    if (state.done) { download.hidden = false; }
    if (state.failed) { failed.hidden = false; }
  }

  function poll() {
    fetch(box.getAttribute("data-progress-url"), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (state) {
        show(state);
        if (!state.done && !state.failed) { window.setTimeout(poll, 700); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  if (!download.hidden || !failed.hidden) { return; }
  poll();
})();
