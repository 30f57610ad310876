/* 议协: the small behaviours of the pages, wired by data- attributes (no inline script or on*= handler:
 * the Content-Security-Policy allows scripts from our own files only; docs/decisions/0020).
 *
 *   <select data-autosubmit>            submits its form when changed
 *   <form data-confirm="确定…？">        asks before submitting
 *   <a data-back href="/fallback">      goes back one page (the href when there is no history)
 *   <a data-load-body="#id_body" data-kind="merge" href="#">  reloads the form with the chosen body's state
 *   <div data-width="42">               sets the element's width to 42% (progress bars)
 *
 * Plain ES5 for old intranet browsers; events are delegated from the document, so fragments htmx swaps in
 * work too.
 */
(function () {
  "use strict";

  function closest(el, selector) {
    while (el && el.nodeType === 1) {
      if (el.matches ? el.matches(selector) : el.msMatchesSelector(selector)) {
        return el;
      }
      el = el.parentNode;
    }
    return null;
  }

  document.addEventListener("change", function (e) {
    var el = closest(e.target, "[data-autosubmit]");
    if (el && el.form) {
      el.form.submit();
    }
  });

  document.addEventListener("submit", function (e) {
    var form = closest(e.target, "form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      e.preventDefault();
    }
  });

  document.addEventListener("click", function (e) {
    var back = closest(e.target, "[data-back]");
    if (back && window.history.length > 1) {
      e.preventDefault();
      window.history.back();
      return;
    }
    var load = closest(e.target, "[data-load-body]");
    if (load) {
      e.preventDefault();
      var select = document.querySelector(load.getAttribute("data-load-body"));
      if (select && select.value) {
        window.location.search = "?kind=" + encodeURIComponent(load.getAttribute("data-kind")) +
          "&body=" + encodeURIComponent(select.value);
      }
    }
  });

  function applyWidths(root) {
    var els = (root || document).querySelectorAll("[data-width]");
    for (var i = 0; i < els.length; i++) {
      els[i].style.width = els[i].getAttribute("data-width") + "%";
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { applyWidths(); });
  } else {
    applyWidths();
  }
  document.addEventListener("htmx:afterSettle", function () { applyWidths(); });
})();
