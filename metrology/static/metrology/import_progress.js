// Polls the import's progress while it runs; the page works without it (reload to see progress).
(function () {
  "use strict";
  var bar = document.getElementById("import-progress");
  if (!bar) { return; }
  function poll() {
    fetch(bar.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.value = data.processed;
        if (data.status === "checking" || data.status === "importing") {
          window.setTimeout(poll, 1500);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
