// Enhancements only: every page works without this file.
(function () {
  var doc = document;
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  var form = doc.getElementById("quote-filters");
  // Says how many quotes show only once a reader has filtered: a status
  // filled in as the page loads would be read out unasked.
  var apply = function (quietly) {
    var f = form.elements, quotes = doc.querySelectorAll(".quote-wall .quote"), shown = 0;
    each(quotes, function (q) {
      var d = q.dataset;
      q.hidden = !((!f.stance.value || q.classList.contains("quote-" + f.stance.value)) &&
        (!f.speaker.value || d.speaker === f.speaker.value) &&
        (!f.organisation.value || d.organisation === f.organisation.value));
      if (!q.hidden) shown++;
    });
    each(doc.querySelectorAll(".quote-wall .stance-group"), function (g) {
      g.hidden = !g.querySelector(".quote:not([hidden])");
    });
    if (quietly === true) return;
    form.querySelector("[role=status]").textContent = shown === quotes.length
      ? "Showing all " + shown + " quotes."
      : "Showing " + shown + " of " + quotes.length + " quotes." + (shown ? "" : " Try another filter, or show all.");
  };
  if (form) {
    form.hidden = false;
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply(true);
  }

  var reveal = function () {
    var target = location.hash && doc.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (form && target && target.closest("[hidden]")) {
      form.reset();
      apply();
      target.scrollIntoView();
    }
  };
  addEventListener("hashchange", reveal);
  // Following a link to the quote already in the address changes no hash.
  doc.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[href^='#']");
    if (a && a.hash === location.hash) setTimeout(reveal);
  });
  reveal();

  var links = doc.querySelectorAll(".phase-nav a[href^='#']");
  var spy = function () {
    var atEnd = innerHeight + scrollY >= doc.documentElement.scrollHeight - 2, current;
    each(links, function (a, i) {
      var part = doc.getElementById(decodeURIComponent(a.hash.slice(1)));
      if (part && part.getBoundingClientRect().top < innerHeight / (atEnd ? 1 : 3)) current = i;
    });
    each(links, function (a, i) {
      if (i === current) a.setAttribute("aria-current", "location");
      else a.removeAttribute("aria-current");
    });
  };
  if (links.length) {
    addEventListener("scroll", spy, { passive: true });
    spy();
  }

  each(doc.querySelectorAll("main a[href]:not([href^='#'])"), function (a) {
    if (a.host !== location.host || !a.hash) a.setAttribute("data-url", a.href);
  });
})();
