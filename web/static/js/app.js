// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  var body = document.body;
  body.classList.remove("no-js");

  // The top bar's menu collapses on phones behind the "Menu" button.
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      // On a phone the menu opens at the group the user is in.
      var current = nav.querySelector(".nav-group.current > details");
      if (open && current) { current.open = true; }
    });
    // The groups open one at a time, and close when the user clicks elsewhere.
    var groups = nav.querySelectorAll(".nav-group > details");
    nav.addEventListener("toggle", function (event) {
      if (!event.target.open) { return; }
      groups.forEach(function (other) { if (other !== event.target) { other.open = false; } });
    }, true);
    document.addEventListener("click", function (event) {
      if (nav.contains(event.target) || toggle.contains(event.target)) { return; }
      groups.forEach(function (group) { group.open = false; });
    });
  }

  // htmx swaps 2xx and 400 (a form with errors); anything else is refused: say so instead of
  // leaving the button silently dead.
  var banner = document.getElementById("htmx-error");
  body.addEventListener("htmx:responseError", function (event) {
    if (!banner || event.detail.xhr.status === 400) { return; }
    banner.textContent = body.getAttribute("data-error-text") + " (" + event.detail.xhr.status + ")";
    banner.hidden = false;
    banner.scrollIntoView({ block: "nearest" });
  });
  body.addEventListener("htmx:sendError", function () {
    if (!banner) { return; }
    banner.textContent = body.getAttribute("data-error-text");
    banner.hidden = false;
  });
})();
