// Starts Redoc on /api/redoc/ from a file, as the CSP allows no inline script. Redoc draws its look
// with <style> elements; given the page's nonce it marks them with it, so the CSP lets them apply.
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.schemaUrl, { nonce: container.dataset.nonce }, container);
})();
