// Progressive enhancement for the demo: forms work without JavaScript; with it, messages are
// sent without reloading the page and the result is announced to screen readers.
(function () {
  "use strict";
  var live = function (text) {
    var region = document.getElementById("live");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  };
  var scrollDown = function () {
    document.querySelectorAll(".messages").forEach(function (list) { list.scrollTop = list.scrollHeight; });
  };

  var post = function (form) {
    return fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json" },
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin"
    }).then(function (r) {
      if (!r.ok && r.status !== 422) throw new Error("HTTP " + r.status);
      return r.json();
    });
  };

  var enhanceMessages = function (form) {
    var textarea = form.querySelector("textarea");
    textarea.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!textarea.value.trim()) { textarea.focus(); return; }
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      post(form).then(function (data) {
        Object.keys(data.panes).forEach(function (side) {
          var pane = document.getElementById("pane-" + side);
          if (pane) pane.innerHTML = data.panes[side];
        });
        form.dataset.lastAction = data.action || "";
        textarea.value = "";
        scrollDown();
        live(data.announce);
      }).catch(function () {
        live("Sending failed. Please try again.");
      }).finally(function () {
        button.disabled = false;
        textarea.focus();
      });
    });
  };

  var enhanceProfile = function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      post(form).then(function (data) {
        var firstBad = null;
        Object.keys(data.fields).forEach(function (name) {
          var info = data.fields[name];
          var wrap = form.querySelector('[data-field="' + name + '"]');
          var input = document.getElementById("f-" + name);
          var error = document.getElementById("e-" + name);
          var bad = data.refused.indexOf(name) !== -1;
          wrap.classList.toggle("invalid", bad);
          if (bad) { input.setAttribute("aria-invalid", "true"); if (!firstBad) firstBad = input; }
          else input.removeAttribute("aria-invalid");
          error.textContent = bad ? info.message : "";
        });
        var status = document.getElementById("profile-status");
        status.innerHTML = "";
        var box = document.createElement("div");
        if (data.refused.length) {
          box.className = "flash bad";
          box.setAttribute("role", "alert");
          var p1 = document.createElement("p");
          p1.innerHTML = "<strong>Not saved:</strong> ";
          p1.appendChild(document.createTextNode(data.refused.map(function (n) {
            var label = form.querySelector('label[for="f-' + n + '"]');
            return label ? label.textContent : n;
          }).join(", ") + "."));
          var p2 = document.createElement("p");
          p2.textContent = data.fields[data.refused[0]].notice || "";
          box.appendChild(p1); box.appendChild(p2);
        } else {
          box.className = "flash ok";
          box.textContent = "Saved. Your profile is up to date.";
        }
        status.appendChild(box);
        live(data.announce);
        if (firstBad) firstBad.focus();
      }).catch(function () {
        live("Saving failed. Please try again.");
      }).finally(function () { button.disabled = false; });
    });
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-enhance=chat], form[data-enhance=room]").forEach(enhanceMessages);
    document.querySelectorAll("form[data-enhance=profile]").forEach(enhanceProfile);
    scrollDown();
  });
})();
