// Saves an inspection draft while the inspector types. Every change is first kept in this browser's
// localStorage, then sent to the server; if the connection drops, the copy stays on the phone and is
// sent again when the connection returns or the page is opened again. Nothing here is needed for the
// form to work: without JavaScript it is an ordinary form.
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("autosave-status");
  var key = "tcvn-draft:" + form.dataset.draftKey;
  var timer = null;

  function say(text) { if (status) { status.textContent = text; } }

  function fields() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") { data[name] = value; }
    });
    return data;
  }

  function keep() {
    try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: fields() })); } catch (e) { /* full or private mode */ }
  }

  function restore() {
    var raw;
    try { raw = localStorage.getItem(key); } catch (e) { return false; }
    if (!raw) { return false; }
    var saved = JSON.parse(raw).data || {};
    Object.keys(saved).forEach(function (name) {
      var elements = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
      elements.forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") { el.checked = el.value === saved[name]; }
        else if (el.type !== "file") { el.value = saved[name]; }
      });
    });
    return true;
  }

  function send() {
    var body = new FormData(form);
    return fetch(form.dataset.autosaveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (payload) {
        if (payload.saved) {
          try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
          say(form.dataset.msgSaved + " " + new Date().toLocaleTimeString());
        } else {
          say(form.dataset.msgError + " " + (payload.errors || []).join(" "));
        }
      });
    }).catch(function () {
      say(form.dataset.msgOffline);
    });
  }

  function changed() {
    keep();
    clearTimeout(timer);
    timer = setTimeout(send, 1500);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  window.addEventListener("online", function () { try { if (localStorage.getItem(key)) { send(); } } catch (e) { /* ignore */ } });

  if (restore()) { say(form.dataset.msgRestored); send(); }

  var gps = document.getElementById("gps-button");
  if (gps && navigator.geolocation) {
    gps.hidden = false;
    gps.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector('[name="latitude"]').value = position.coords.latitude.toFixed(6);
        form.querySelector('[name="longitude"]').value = position.coords.longitude.toFixed(6);
        changed();
      }, function () { say(gps.dataset.msgDenied); }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }
})();
