// The reviewer's page (access/review_items.html): select all shown, shift-click a range, a live count
// of the selected rights, and a revoke or reduce refused here without a reason (the server refuses it
// too). No inline script: the CSP forbids it.
(function () {
  "use strict";

  function setup(form) {
    var boxes = Array.prototype.slice.call(form.querySelectorAll("[data-item]"));
    var all = form.querySelector("[data-select-all]");
    var count = form.querySelector("[data-selected-count] b");
    var comment = form.querySelector("[data-revoke-comment]");
    var last = null;

    function refresh() {
      var n = 0;
      boxes.forEach(function (box) {
        if (box.checked) n += 1;
        box.closest("tr").classList.toggle("rv-selected-row", box.checked);
      });
      if (count) count.textContent = String(n);
      if (all) {
        all.checked = n > 0 && n === boxes.length;
        all.indeterminate = n > 0 && n < boxes.length;
      }
    }

    if (all) {
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
        refresh();
      });
    }
    boxes.forEach(function (box, index) {
      box.addEventListener("click", function (event) {
        if (event.shiftKey && last !== null) {
          var from = Math.min(last, index), to = Math.max(last, index);
          for (var i = from; i <= to; i += 1) boxes[i].checked = box.checked;
        }
        last = index;
        refresh();
      });
    });
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (button && button.hasAttribute("data-needs-comment") && comment && !comment.value.trim()) {
        event.preventDefault();
        comment.classList.add("rv-missing");
        comment.focus();
      }
    });
    if (comment) {
      comment.addEventListener("input", function () { comment.classList.remove("rv-missing"); });
      comment.required = false;
    }
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-review-form]").forEach(setup);
  });
})();
