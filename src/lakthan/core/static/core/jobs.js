// Background jobs on a page (lakthan.core.jobs): every element with data-job-poll is fetched again
// every 2 s and replaced by the server's fragment until the job has finished; the page is then
// reloaded once, so the tables show what the job made. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var PERIOD_MS = 2000;

  function poll(el) {
    var url = el.getAttribute("data-job-poll");
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var fresh = holder.firstElementChild;
        if (!fresh) return;
        el.replaceWith(fresh);
        if (fresh.hasAttribute("data-job-poll")) {
          setTimeout(function () { poll(fresh); }, PERIOD_MS);
        } else if (fresh.closest("[data-jobs-reload]")) {
          window.location.reload();
        }
      })
      .catch(function () { setTimeout(function () { poll(el); }, PERIOD_MS * 2); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job-poll]").forEach(function (el) {
      setTimeout(function () { poll(el); }, PERIOD_MS);
    });
  });
})();
