// Drag and drop onto the evidence upload form: the dropped file goes into the form's file input.
// Loaded as a file (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  function setup(zone) {
    var input = zone.querySelector("[data-dropzone-input]");
    var name = zone.querySelector("[data-dropzone-name]");
    if (!input) return;
    function show() {
      if (name) name.textContent = input.files.length ? input.files[0].name : "";
      var title = document.getElementById("title");
      if (title && !title.value && input.files.length) title.value = input.files[0].name.replace(/\.[^.]+$/, "");
    }
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        show();
      }
    });
    input.addEventListener("change", show);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-dropzone]").forEach(setup);
  });
})();
